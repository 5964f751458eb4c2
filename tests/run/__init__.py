"""Tests of a grade run over a class (grader/run/)."""
