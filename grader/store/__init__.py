"""The results store: one SQLite database per output folder, overrides and the rerun check."""
