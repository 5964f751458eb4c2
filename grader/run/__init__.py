"""A batch run over a class: executors (local and Dask), progress, student ids."""
