"""The `grader export` command: write LMS import files from a graded folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.commands.common import interrupts_deferred

if TYPE_CHECKING:
    from grader.export.base import Exporter

DESCRIPTION = """\
Write grade files for an LMS from a folder graded by `grader grade` (its results.json).

formats:
  canvas      Canvas gradebook import CSV (Student, ID, SIS User ID, SIS Login ID, Section,
              "Title (id)", then a "Points Possible" row). Pass the gradebook exported from
              Canvas as --roster so rows carry Canvas ids.
  moodle      Moodle CSV grade import: "Email address" or "ID number", "Full name",
              "Assignment: <title> (Real)" and "(Feedback)" columns, auto-mapped by Moodle.
  gradescope  a folder with <student>/results.json in Gradescope's autograder format.
  csv         the plain gradebook: student, submission, score, max_score, one column per question.

--out is a file for the CSV formats (default DIR/canvas.csv, DIR/moodle.csv,
DIR/gradebook.csv) and a folder for gradescope (default DIR/gradescope/).
Roster students without a submission get an empty score; submissions on no roster row
are reported on stderr (and left out of the canvas and moodle files).

Submissions in error (a refused path, an unreadable file, a check that crashed) are named on
stderr and left out; --include-errors writes them with an empty grade, never a 0. Flagged
submissions and provisional scores (questions awaiting a TA's review) are named on stderr;
--final refuses to write while any remain. A TA's override note is exported as feedback where
the format has a place for it (Moodle's feedback column, Gradescope's per-question output).
"""

EPILOG = """\
examples:
  grader export reports/hw3 --format canvas --roster canvas_gradebook.csv
  grader export reports/hw3 --format moodle --roster moodle_participants.csv --out hw3_moodle.csv
  grader export reports/hw3 --format gradescope --out upload/
  grader export reports/hw3 --format csv
  grader export reports/hw3 --format canvas --roster canvas_gradebook.csv --final

exit status: 0 written (warnings go to stderr), 1 refused by --final (reviews pending; nothing
written), 2 usage error (no results.json, unknown format, unreadable roster).
"""


def add_parser(subparsers: Any) -> None:
    """Register `export` on the main command's subparsers."""
    from grader.export.gradescope import VISIBILITIES

    parser = subparsers.add_parser("export", help="write Canvas / Moodle / Gradescope / CSV grade files",
                                   description=DESCRIPTION, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", metavar="DIR", help="a folder written by `grader grade --out DIR`")
    # Checked in run(), not by argparse choices, so a bad value gets one line naming it.
    parser.add_argument("--format", required=True, metavar="{canvas,moodle,gradescope,csv}",
                        help="which import format to write")
    parser.add_argument("--roster", metavar="FILE", help="class roster CSV: a Canvas gradebook export, a Moodle "
                        "export with Email address / ID number, or student,name,email")
    parser.add_argument("--out", metavar="PATH", help="output file (CSV formats) or folder (gradescope)")
    parser.add_argument("--visibility", default="visible", metavar="{" + ",".join(VISIBILITIES) + "}",
                        help="gradescope only: when students see each question's result (default: visible)")
    parser.add_argument("--include-errors", action="store_true",
                        help="write submissions in error too, with an empty grade (default: left out, named on stderr)")
    parser.add_argument("--final", action="store_true",
                        help="refuse (exit 1) while any submission is flagged or has a provisional score")
    parser.set_defaults(func=run)


def _usage(message: str) -> int:
    print(f"grader export: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Write the export; 0 on success, 2 on a usage error with one line on stderr."""
    from grader.export import EXPORTERS, ExportError, GradescopeExporter, RosterError, load_results, read_roster
    from grader.export.base import error_notices, pending_reviews
    from grader.export.gradescope import VISIBILITIES

    if args.format not in EXPORTERS:
        return _usage(f"--format {args.format!r} is not one of {', '.join(EXPORTERS)}")
    visibility = getattr(args, "visibility", "visible")
    if visibility not in VISIBILITIES:
        return _usage(f"--visibility {visibility!r} is not one of {', '.join(VISIBILITIES)}")
    folder = Path(args.dir)
    include_errors = bool(getattr(args, "include_errors", False))
    try:
        results = load_results(folder)
        pending = pending_reviews(results)
        if getattr(args, "final", False) and pending:
            for line in pending:
                print(f"grader export: pending: {line}", file=sys.stderr)
            print(f"grader export: --final refused: {len(pending)} submission(s) await a TA's review "
                  f"(grader review {folder}); nothing written", file=sys.stderr)
            return 1
        roster = read_roster(Path(args.roster)) if args.roster else None
        cls = EXPORTERS[args.format]
        exporter = (GradescopeExporter(results, roster, visibility=visibility, include_errors=include_errors)
                    if cls is GradescopeExporter else cls(results, roster, include_errors=include_errors))
        out = Path(args.out) if args.out else folder / cls.default_name
        if cls.writes_folder and out.exists() and not out.is_dir():
            return _usage(f"--out {out}: the gradescope format writes a folder, and this is a file")
        if not cls.writes_folder and out.is_dir():
            return _usage(f"--out {out}: the {args.format} format writes a file, and this is a folder")
        count = _write(exporter, out, cls.writes_folder)
    except (ExportError, RosterError) as exc:
        return _usage(str(exc))
    for warning in [*error_notices(results, include_errors), *pending, *exporter.warnings]:
        print(f"grader export: warning: {warning}", file=sys.stderr)
    what = "student folders" if cls.writes_folder else "rows"
    print(f"wrote {args.format} export to {out} ({count} {what})")
    return 0


def _write(exporter: Exporter, out: Path, folder: bool) -> int:
    """Write the export whole: a file through a temporary one and a rename, so that even a second Ctrl-C leaves the
    previous file; a Ctrl-C waits until the file, or every student folder, is written."""
    if folder:
        with interrupts_deferred(after=f"nothing half-written: {out} was written whole when it stopped",
                                 cut=f"stopped again while writing {out}: its student folders may be partly the "
                                     "last export's; export again"):
            return exporter.write(out)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        with interrupts_deferred(after=f"nothing half-written: {out} was written whole when it stopped",
                                 cut=f"nothing half-written: {out} is as it was"):
            count = exporter.write(tmp)
            os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return count
