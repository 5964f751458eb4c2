"""grader: automatic grading and solution checking for math-heavy deep-learning coursework."""

__version__ = "0.1.0"
