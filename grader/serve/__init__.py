"""The TA review page of `grader serve`: a Flask app, its queue, templates and static files."""
