"""`grader serve DIR` as a TA runs it: the URL first on stdout, the page over real HTTP on 127.0.0.1, Ctrl-C stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from grader import cli
from serve_support import REPO


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as resp:  # 127.0.0.1 only: no proxy is asked
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_prints_the_url_answers_and_stops_on_ctrl_c(graded: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_PROXY": "*", "no_proxy": "*"}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "serve", str(graded), "--course", str(REPO)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()  # the first line, printed before the server waits
        assert url.startswith("http://127.0.0.1:") and url.endswith("/") and len(url.rsplit("/", 2)[1]) >= 24
        assert get(url) == 200
        assert get(url + "static/review.js") == 200
        root = url.rsplit("/", 2)[0] + "/"
        assert get(root) == 403 and get(root + "static/review.js") == 403
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130  # Ctrl-C ends every command so, with one line and no traceback
        err = proc.stderr.read() if proc.stderr else ""
        assert err.strip().splitlines()[-1].startswith("grader serve: interrupted; nothing half-written: ")
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_serve_refuses_a_folder_that_was_not_graded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a graded folder (no results.json)" in err and err.count("\n") == 1


def test_serve_warns_when_decisions_would_not_reach_the_files(graded: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    # a port that is taken makes the command return at once, after the course check
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", str(graded), "--port", str(port), "--course", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "will not be rewritten until the next `grader grade`" in err
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_help_has_examples() -> None:
    out = subprocess.run([sys.executable, "-m", "grader", "serve", "--help"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60, check=True).stdout
    assert "examples:" in out and "grader serve reports/decoding-2021" in out and "--port N" in out
