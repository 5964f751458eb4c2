"""The progress display: done, failed, remaining, rate and ETA on a terminal; nothing otherwise."""

from __future__ import annotations

import io

from grader.run.progress import RunProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = RunProgress(3, 1, stream=stream)
    progress.advance(failed=False)
    progress.advance(failed=True)
    progress.close()
    assert stream.getvalue() == "" and (progress.graded, progress.failed) == (2, 1)


def test_terminal_shows_done_failed_remaining_rate_and_eta() -> None:
    stream = _Terminal()
    progress = RunProgress(4, 1, stream=stream)
    progress.advance(failed=True)
    progress.close()
    text = stream.getvalue()
    for part in ("2/4 done", "1 failed", "2 left", "/s", "ETA"):
        assert part in text, text
