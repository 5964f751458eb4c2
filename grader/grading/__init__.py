"""Grading one submission: the pipeline, scoring policy, containment of each step, result records."""
