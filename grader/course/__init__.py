"""A course directory: its rubrics (validated), reference modules and report templates."""
