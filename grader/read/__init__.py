"""Reading a write-up: ingest, segmentation into answers, the statements and evidence of each answer."""
