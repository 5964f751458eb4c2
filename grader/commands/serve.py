"""`grader serve`: the TA review page of a graded folder, on this machine, until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from grader.commands.common import ExitCode, add_course_option

EXAMPLES = """examples:
  grader serve reports/decoding-2021
  grader serve reports/decoding-2021 --port 8765 --course ~/course

The first line on stdout is the URL to open; it holds the page's access token (any request without it
is refused with 403). Ctrl-C stops the server, once a decision being saved is saved (exit status 130).
The page lists what `grader review DIR` lists (flagged submissions first, then needs_review, error and
low-confidence questions), shows each answer with its math rendered and its false steps highlighted beside
the findings, and saves a decision exactly as `grader override DIR STUDENT QUESTION SCORE --note TEXT` does
(so --course must be the course DIR was graded with). Keys: j/k or the arrows move, n goes to the next undecided question, s jumps to the score.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="the TA review page of a graded folder in the browser",
                              description="Serve the review page of a graded folder on this machine: the queue of "
                                          "what needs a decision, the answers and evidence, and an override form.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", metavar="DIR", help="a folder written by `grader grade`")
    p.add_argument("--port", type=int, default=0, metavar="N", help="TCP port (default: a free one)")
    p.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    add_course_option(p)
    p.set_defaults(func=run)


def _warn_if_overrides_would_not_rewrite(folder: Path, course: str, doc: dict) -> None:
    """Say at start, not at the first decision, when a decision would be recorded but not shown in DIR's files."""
    from grader.commands.common import load_rubric_or_exit

    _, rubric = load_rubric_or_exit(course, str(doc.get("assignment", "")))
    if rubric is None:
        print(f"grader serve: warning: decisions will be recorded, but {folder} will not be rewritten until the "
              "next `grader grade` (pass the course DIR was graded with: --course)", file=sys.stderr)
    elif rubric.digest != doc.get("rubric_hash"):
        print(f"grader serve: warning: the rubric changed since {folder} was graded: decisions show in its files "
              "after the next `grader grade`", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from grader.serve.app import create_app
    from grader.store.overrides import GradedFolderError, read_results

    folder = Path(args.folder)
    try:
        doc = read_results(folder)
    except GradedFolderError as exc:
        print(f"grader serve: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if not 0 <= args.port <= 65535:
        print(f"grader serve: --port must be between 0 and 65535, not {args.port}", file=sys.stderr)
        return ExitCode.USAGE
    _warn_if_overrides_would_not_rewrite(folder, args.course, doc)
    app = create_app(folder, args.course, host=args.host)
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except (OSError, SystemExit) as exc:  # werkzeug exits on a port in use, after saying so
        why = exc.strerror if isinstance(exc, OSError) else "the port is in use or the address is not this machine's"
        print(f"grader serve: cannot listen on {args.host}:{args.port}: {why}", file=sys.stderr)
        return ExitCode.USAGE
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would print the token
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"http://{shown_host}:{server.server_port}/{app.config['REVIEW_TOKEN']}/", flush=True)
    print("grader serve: open the URL above; Ctrl-C stops the server", file=sys.stderr)
    try:
        server.serve_forever()  # werkzeug's returns on Ctrl-C, the only way it ends
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    # a decision being saved in a request thread (a signal reaches only this one) finishes before we leave
    from grader.serve.app import wait_for_decisions

    wait_for_decisions()
    raise KeyboardInterrupt(f"nothing half-written: every decision saved is in the store and in {folder}'s files")
