"""The review page through Flask's test client: the token, CSRF and same-origin refusals, a decision made on the
page that `grader review` and `grader export` then show, and a hostile answer that stays text."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from grader import cli
from grader.report.mathml import MATHML_TAGS
from grader.serve.app import create_app
from serve_support import ORIGIN, REPO, csrf_of, item_index, prefix

# every element the page's own template writes; anything else in a page came from a student
PAGE_TAGS = frozenset("html head meta title link script body header h1 h2 h3 small p form label select option button "
                      "div nav ol ul li a span main section strong code input textarea kbd footer".split())


def review_keys(folder: Path, capsys: pytest.CaptureFixture[str]) -> set[tuple[str, str]]:
    capsys.readouterr()
    assert cli.main(["review", str(folder), "--json"]) == 0
    return {(i["student"], i["question"]) for i in json.loads(capsys.readouterr().out)}


def open_item(client: FlaskClient, app: Flask, student: str, question: str) -> tuple[int, str]:
    page = client.get(prefix(app)).get_data(as_text=True)
    n = item_index(page, student, question)
    return n, client.get(f"{prefix(app)}item/{n}").get_data(as_text=True)


def post(client: FlaskClient, app: Flask, n: int, data: dict[str, str], **headers: str):  # noqa: ANN201
    return client.post(f"{prefix(app)}item/{n}/override", data=data, headers={"Origin": ORIGIN, **headers})


@pytest.mark.parametrize("path", ["/", "/static/review.js", "/item/0", "/{token}", "/{token}x/", "/x{token}/",
                                  "/{short}/", "/{TOKEN}/"])
def test_every_request_without_the_token_is_refused(app: Flask, client: FlaskClient, path: str) -> None:
    token = app.config["REVIEW_TOKEN"]
    resp = client.get(path.format(token=token, short=token[:-1], TOKEN=token.swapcase()))
    assert resp.status_code == 403
    assert token not in resp.get_data(as_text=True)
    assert "Set-Cookie" not in resp.headers  # no session is opened before the token is shown


def test_the_page_and_its_files_come_with_the_token(app: Flask, client: FlaskClient) -> None:
    resp = client.get(prefix(app))
    assert resp.status_code == 200
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self'")
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert resp.headers["Referrer-Policy"] == "same-origin" and resp.headers["X-Frame-Options"] == "DENY"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and f"Path={prefix(app)}" in cookie
    for name in ("review.js", "review.css"):
        assert client.get(f"{prefix(app)}static/{name}").status_code == 200


def test_a_foreign_host_name_is_refused(app: Flask, client: FlaskClient) -> None:
    # DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still does not know the token,
    # and even with it the Host header gives it away
    assert client.get(prefix(app), headers={"Host": "evil.example"}).status_code == 403
    assert client.get(prefix(app), headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_the_queue_is_review_s_list(app: Flask, client: FlaskClient, graded: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    page = client.get(prefix(app)).get_data(as_text=True)
    shown = {(m.group(1), m.group(2)) for m in re.finditer(
        r'<span class="who">([^<]*)</span>\s*<span class="q">([^<]*)</span>', page)}
    assert shown == review_keys(graded, capsys)  # the page's queue and `grader review` select the same
    assert re.search(r"(\d+) question\(s\) to decide", page)


@pytest.mark.parametrize("change", ["no csrf", "wrong csrf", "foreign origin", "no origin", "cross-site fetch",
                                    "no session"])
def test_a_post_without_csrf_or_from_elsewhere_is_refused(app: Flask, client: FlaskClient, graded: Path,
                                                          change: str) -> None:
    before = (graded / "results.json").read_bytes()
    n, page = open_item(client, app, "flawed", "1.3")
    data = {"csrf": csrf_of(page), "student": "flawed", "question": "1.3", "score": "4", "note": "fine"}
    headers = {"Origin": ORIGIN}
    if change == "no csrf":
        del data["csrf"]
    elif change == "wrong csrf":
        data["csrf"] = data["csrf"][:-2] + "xx"
    elif change == "foreign origin":
        headers["Origin"] = "http://evil.example"
    elif change == "no origin":
        headers = {}
    elif change == "cross-site fetch":
        headers["Sec-Fetch-Site"] = "cross-site"
    else:
        client = app.test_client()  # a fresh client: no session cookie, so the page's CSRF token is not its own
    resp = client.post(f"{prefix(app)}item/{n}/override", data=data, headers=headers)
    assert resp.status_code == 403
    assert (graded / "results.json").read_bytes() == before


def test_a_same_origin_post_may_name_its_origin_by_referer(app: Flask, client: FlaskClient, graded: Path) -> None:
    n, page = open_item(client, app, "flawed", "1.3")
    data = {"csrf": csrf_of(page), "student": "flawed", "question": "1.3", "score": "4", "note": "fine"}
    resp = client.post(f"{prefix(app)}item/{n}/override", data=data, headers={"Referer": f"{ORIGIN}{prefix(app)}"})
    assert resp.status_code == 303


def test_a_decision_on_the_page_is_grader_override_s(app: Flask, client: FlaskClient, graded: Path,
                                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ("flawed", "1.3") in review_keys(graded, capsys)
    twin = tmp_path / "twin"  # the same decision made with `grader override` on a copy
    import shutil
    shutil.copytree(graded, twin)
    n, page = open_item(client, app, "flawed", "1.3")
    resp = post(client, app, n, {"csrf": csrf_of(page), "student": "flawed", "question": "1.3", "score": "3",
                                 "note": "two of three claims"})
    assert resp.status_code == 303 and resp.headers["Location"].startswith(f"{prefix(app)}item/")
    after = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "override: flawed 1.3 = 3" in after  # what `grader override` said, shown once
    assert ("flawed", "1.3") not in review_keys(graded, capsys)
    # the decided question stays in the page's queue, marked, with the TA's score
    decided = client.get(f"{prefix(app)}item/{n}").get_data(as_text=True)
    assert 'id="decision"' in decided and "two of three claims" in decided
    assert re.search(rf'item/{n}"[^>]*>\s*<span class="who">flawed</span>.*?class="tick"', decided, re.DOTALL)

    assert cli.main(["export", str(graded), "--format", "csv", "--out", str(tmp_path / "g.csv")]) == 0
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    assert float(rows["flawed"]["1.3"]) == 3

    assert cli.main(["override", str(twin), "flawed", "1.3", "3", "--note", "two of three claims",
                     "--course", str(REPO)]) == 0
    assert (graded / "grades.csv").read_bytes() == (twin / "grades.csv").read_bytes()
    for name in ("flawed/report.md", "summary.md"):
        assert (graded / name).read_text(encoding="utf-8") == (twin / name).read_text(encoding="utf-8")

    def comparable(folder: Path) -> dict:
        doc = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        for s in doc["submissions"]:
            for q in s["questions"]:
                (q.get("details") or {}).get("override", {}).pop("created_at", None)
        return {"submissions": [{k: v for k, v in s.items() if k != "details"} for s in doc["submissions"]]}

    assert comparable(graded) == comparable(twin)


def test_a_refused_score_says_why_and_records_nothing(app: Flask, client: FlaskClient, graded: Path) -> None:
    before = (graded / "results.json").read_bytes()
    n, page = open_item(client, app, "flawed", "1.3")
    for score, why in (("9", "SCORE must be between 0 and 4"), ("lots", "SCORE must be a number")):
        resp = post(client, app, n, {"csrf": csrf_of(page), "student": "flawed", "question": "1.3", "score": score,
                                     "note": "x"})
        body = resp.get_data(as_text=True)
        assert resp.status_code == 400 and why in body
        assert f'value="{score}"' in body  # the form keeps what the TA typed
    resp = post(client, app, n, {"csrf": csrf_of(page), "student": "flawed", "question": "1.3", "score": "1",
                                 "note": "  "})
    assert resp.status_code == 400 and "--note must say why" in resp.get_data(as_text=True)
    assert (graded / "results.json").read_bytes() == before


def test_a_form_for_another_question_is_not_applied_here(app: Flask, client: FlaskClient, graded: Path) -> None:
    before = (graded / "results.json").read_bytes()
    n, page = open_item(client, app, "flawed", "1.3")
    resp = post(client, app, n, {"csrf": csrf_of(page), "student": "correct", "question": "1.3", "score": "1",
                                 "note": "x"})
    assert resp.status_code == 409
    assert (graded / "results.json").read_bytes() == before


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_a_hostile_answer_stays_text(app: Flask, client: FlaskClient) -> None:
    _, page = open_item(client, app, "hostile", "1.3")
    parser = _Tags()
    parser.feed(page)
    assert {t for t, _ in parser.tags} <= PAGE_TAGS | MATHML_TAGS
    scripts = [dict(a) for t, a in parser.tags if t == "script"]
    assert scripts == [{"src": f"{prefix(app)}static/review.js", "defer": None}]  # only the page's own file
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page  # shown, as text
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in page
    assert "\u202e" not in page and "\u2066" not in page and "\\u202e" in page and "\\u2066" in page
    assert "<mfrac>" in page  # the student's math is rendered, as MathML
    assert "</math><script>" not in page


def test_filters_by_question_and_status(app: Flask, client: FlaskClient) -> None:
    page = client.get(f"{prefix(app)}?question=1.3").get_data(as_text=True)
    qs = re.findall(r'<span class="q">([^<]*)</span>', page)
    assert qs and set(qs) == {"1.3"}
    page = client.get(f"{prefix(app)}?status=flagged").get_data(as_text=True)
    assert "Nothing in the queue with these filters" in page  # no write-up of this class is flagged
    page = client.get(f"{prefix(app)}?status=low+confidence").get_data(as_text=True)
    kinds = re.findall(r'<span class="kind k-[^"]*">([^<]*)</span>', page)
    assert kinds and set(kinds) == {"low confidence"}


def test_next_undecided_skips_the_decided(app: Flask, client: FlaskClient) -> None:
    page = client.get(f"{prefix(app)}?question=1.3").get_data(as_text=True)
    first = item_index(page, "correct", "1.3")
    second = item_index(page, "flawed", "1.3")
    third = item_index(page, "hostile", "1.3")
    n, page = open_item(client, app, "flawed", "1.3")
    post(client, app, n, {"csrf": csrf_of(page), "student": "flawed", "question": "1.3", "score": "3", "note": "ok"})
    page = client.get(f"{prefix(app)}item/{first}?question=1.3").get_data(as_text=True)
    assert f'id="nav-next" href="{prefix(app)}item/{second}?question=1.3"' in page  # j still walks every entry
    assert f'id="nav-undecided" href="{prefix(app)}item/{third}?question=1.3"' in page  # n skips the decided one


def test_a_flagged_submission_shows_its_write_up(tmp_path: Path, graded: Path) -> None:
    # a nearly empty write-up is flagged: the page opens with it and shows the whole file to find answers in
    writeup = tmp_path / "unread.md"
    writeup.write_text("# My homework\n\nAufgabe eins: <b>$\\frac{1}{2}$</b>\n", encoding="utf-8")
    out = tmp_path / "flagged"
    assert cli.main(["grade", str(writeup), "--assignment", "decoding-2021", "--out", str(out),
                     "--course", str(REPO)]) == 1
    app = create_app(out, str(REPO))
    page = app.test_client().get(f"{prefix(app)}item/0").get_data(as_text=True)  # flagged entries come first
    assert "the whole write-up" in page and 'id="writeup"' in page
    assert "Aufgabe eins: &lt;b&gt;" in page and "<mfrac>" in page
    writeup.unlink()  # moved away since grading: said, not an error
    page = app.test_client().get(f"{prefix(app)}item/0").get_data(as_text=True)
    assert "open the submission itself" in page
