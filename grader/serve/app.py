"""The TA review page (Flask): a token in every URL, CSRF-checked same-origin POSTs, a strict CSP, no student script."""

from __future__ import annotations

import argparse
import hmac
import io
import secrets
import threading
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session
from werkzeug.wrappers import Response

from grader.commands import override
from grader.report.mathml import page_budget, render_line
from grader.export.safety import format_score
from grader.serve.queue import KINDS, Entry, Queue
from grader.store.overrides import read_results
from grader.terminal import safe

HERE = Path(__file__).resolve().parent
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
STATUS_FILTERS = (*KINDS, "undecided", "decided")


@dataclass(frozen=True)
class Outcome:
    """What `grader override` answered: its exit status and the lines it wrote for the TA."""

    ok: bool
    message: str


_override_lock = threading.Lock()  # one decision at a time: override's stderr is captured per call


def wait_for_decisions() -> None:
    """Return once no decision is being saved: `grader serve` stops on Ctrl-C only then."""
    with _override_lock:
        pass


def decide(folder: Path, course: str, student: str, question: str, score: str, note: str) -> Outcome:
    """Record a TA decision exactly as `grader override` does: the one place the page calls it."""
    args = argparse.Namespace(folder=str(folder), student=student, question=question, score=score, note=note,
                              course=course)
    err = io.StringIO()
    with _override_lock, redirect_stderr(err):
        code = override.run(args)
    return Outcome(code == 0, err.getvalue().strip())


def shown(value: object) -> str:
    """Student-derived text with control and bidi characters made visible (escaping is the template's job)."""
    return safe(str(value))


def create_app(folder: Path, course: str = ".", token: str | None = None, host: str = "127.0.0.1") -> Flask:
    """The review app for graded `folder`; every URL starts with /<token>/."""
    token = token or secrets.token_urlsafe(24)
    prefix = f"/{token}/"
    app = Flask(__name__, static_folder=None, template_folder=str(HERE / "templates"))
    app.secret_key = secrets.token_bytes(32)  # sessions die with the server
    app.config.update(SESSION_COOKIE_NAME="grader_review", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_PATH=prefix, MAX_CONTENT_LENGTH=64 * 1024)
    app.config["REVIEW_TOKEN"] = token
    app.jinja_env.autoescape = True
    app.jinja_env.filters.update(score=format_score, math=render_line, shown=shown)
    queue = Queue(folder)
    bp = Blueprint("review", __name__, static_folder=str(HERE / "static"), static_url_path="/static")

    @app.before_request
    def _guard() -> None:
        # the token first, compared in constant time: without it nothing, not even a 404, is answered
        if not hmac.compare_digest(request.path[:len(prefix)].encode(), prefix.encode()):
            abort(403)
        # a loopback server answers only to loopback names: a rebound DNS name does not reach it
        if host in LOOPBACK and (urlsplit(f"//{request.host}").hostname or "") not in LOOPBACK:
            abort(403)
        if request.method == "POST":
            _same_origin_or_abort()

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        # the token never leaves in a Referer; "no-referrer" would also make Chromium send `Origin: null` on our POST
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def _same_origin_or_abort() -> None:
        origin = f"{request.scheme}://{request.host}"
        if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            abort(403, "cross-site request refused")
        sent = request.headers.get("Origin")
        if sent is None:  # an old browser may leave Origin out; its Referer must then be ours
            referer = request.headers.get("Referer", "")
            if not referer.startswith(origin + "/"):
                abort(403, "a request without Origin or a same-origin Referer is refused")
        elif sent != origin:
            abort(403, "cross-origin request refused")
        expected = session.get("csrf")
        if not expected or not hmac.compare_digest(str(request.form.get("csrf", "")), str(expected)):
            abort(403, "missing or wrong CSRF token: reload the page")

    def _csrf() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return str(session["csrf"])

    def _filters() -> dict[str, str]:
        q, st = request.args.get("question", ""), request.args.get("status", "")
        return {k: v for k, v in (("question", q), ("status", st)) if v}

    def _matches(e: Entry, f: dict[str, str]) -> bool:
        if f.get("question") and e.item.question != f["question"]:
            return False
        st = f.get("status")
        if st == "decided":
            return e.decided
        if st == "undecided":
            return not e.decided
        return not st or e.kind == st

    def _href(index: int | None, f: dict[str, str]) -> str | None:
        if index is None:
            return None
        return f"{prefix}item/{index}" + (f"?{urlencode(f)}" if f else "")

    def _page(index: int | None, message: Outcome | None = None, form: dict[str, str] | None = None,
              status: int = 200) -> tuple[str, int]:
        entries = queue.entries()
        f = _filters()
        shown_entries = [e for e in entries if _matches(e, f)]
        current = next((e for e in entries if e.index == index), None) if index is not None else None
        if current is None and shown_entries:
            current = next((e for e in shown_entries if e.undecided_question), shown_entries[0])
        pos = [e.index for e in shown_entries]
        at = pos.index(current.index) if current is not None and current.index in pos else -1
        after = [e for e in shown_entries[at + 1:] + shown_entries[:max(at, 0)] if e.undecided_question]
        nav = {"prev": _href(pos[at - 1] if at > 0 else None, f),
               "next": _href(pos[at + 1] if 0 <= at < len(pos) - 1 else None, f),
               "undecided": _href(after[0].index if after else None, f)}
        doc = read_results(folder)
        with page_budget():
            body = render_template(
                "review.html", folder=str(folder), assignment=doc.get("assignment", ""), entries=shown_entries,
                total=len(entries), undecided=sum(e.undecided_question for e in entries), current=current,
                lines=queue.answer(current.item) if current is not None else None, nav=nav, filters=f,
                writeup=queue.writeup(current.item) if current is not None and not current.item.question else None,
                questions=_questions(doc, entries),
                statuses=STATUS_FILTERS, message=message, form=form or {}, csrf=_csrf(), prefix=prefix,
                href=lambda i: _href(i, f))
        return body, status

    @bp.get("/")
    def index() -> tuple[str, int]:
        return _page(None)

    @bp.get("/item/<int:index>")
    def item(index: int) -> tuple[str, int]:
        return _page(index)

    @bp.post("/item/<int:index>/override")
    def decide_item(index: int) -> Any:
        entries = queue.entries()
        entry = next((e for e in entries if e.index == index), None)
        if entry is None or not entry.item.question:
            abort(404)
        form = {k: str(request.form.get(k, "")) for k in ("score", "note")}
        # the form names its target: a queue that moved under the TA's eyes must not redirect the decision
        if (request.form.get("student"), request.form.get("question")) != (entry.item.student, entry.item.question):
            return _page(index, Outcome(False, "the queue changed under this form: reload and decide again"),
                         form, 409)
        outcome = decide(folder, course, entry.item.student, entry.item.question, form["score"], form["note"])
        if not outcome.ok:
            return _page(index, outcome, form, 400)
        session["done"] = outcome.message
        entries = queue.entries()
        f = _filters()
        later = [e for e in entries if _matches(e, f) and e.undecided_question and e.index > index]
        first = [e for e in entries if _matches(e, f) and e.undecided_question]
        target = (later or first or [entry])[0].index
        return redirect(_href(target, f) or prefix, code=303)

    @bp.context_processor
    def _flash() -> dict[str, Any]:
        return {"done": session.pop("done", None)} if request.method == "GET" else {"done": None}

    app.register_blueprint(bp, url_prefix=prefix.rstrip("/"))
    return app


def _questions(doc: dict[str, Any], entries: list[Entry]) -> list[str]:
    """The questions in the queue, in rubric order (the order of results.json)."""
    order: dict[str, int] = {}
    for sub in doc["submissions"]:
        for k, q in enumerate(sub["questions"]):
            order.setdefault(q["id"], k)
    return sorted({e.item.question for e in entries if e.item.question}, key=lambda q: (order.get(q, len(order)), q))
