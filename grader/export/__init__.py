"""Exporters from a graded folder's results.json to Canvas, Moodle, Gradescope and a plain gradebook."""

from __future__ import annotations

from grader.export.base import CsvExporter, Exporter, ExportError, load_results
from grader.export.canvas import CanvasExporter
from grader.export.gradebook import GradebookExporter
from grader.export.gradescope import GradescopeExporter, gradescope_results
from grader.export.moodle import MoodleExporter
from grader.export.roster import Roster, RosterError, read_roster

# Registered by the name `--format` takes, in the order `--help` lists them.
EXPORTERS: dict[str, type[Exporter]] = {
    cls.format: cls for cls in (CanvasExporter, MoodleExporter, GradescopeExporter, GradebookExporter)
}

__all__ = ["EXPORTERS", "CanvasExporter", "CsvExporter", "Exporter", "ExportError", "GradebookExporter",
           "GradescopeExporter", "MoodleExporter", "Roster", "RosterError", "gradescope_results", "load_results",
           "read_roster"]
