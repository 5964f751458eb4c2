"""Progress of a grading run on the terminal: done, failed, remaining, rate and ETA; silent when not a terminal."""

from __future__ import annotations

import sys
import time
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Write-ups per second over this run's graded ones (reused results are not work)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        graded = task.fields.get("graded", 0)
        rate = graded / elapsed if elapsed > 0 and graded else 0.0
        return Text(f"{rate:.2f}/s" if rate else "-/s", style="progress.data.speed")


class RunProgress:
    """A progress bar on stderr when it is a terminal; otherwise every method does nothing.

    It refreshes only when told (no refresh thread), because the executor forks workers and a thread
    holding a lock at fork time could block a worker.
    """

    def __init__(self, total: int, reused: int = 0, *, stream: IO[str] | None = None, enabled: bool | None = None):
        stream = stream if stream is not None else sys.stderr
        self.enabled = stream.isatty() if enabled is None else enabled
        self.failed = 0
        self.graded = 0
        self._last = 0.0
        self._progress: Progress | None = None
        if not self.enabled:
            return
        self._progress = Progress(
            TextColumn("grading"), BarColumn(), TextColumn("{task.completed}/{task.total} done"),
            TextColumn("[red]{task.fields[failed]} failed"), TextColumn("{task.fields[remaining]} left"),
            _RateColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(file=stream), auto_refresh=False, transient=False)
        self._task = self._progress.add_task("grading", total=total, completed=reused, failed=0,
                                             remaining=total - reused, graded=0)
        self._progress.start()

    def advance(self, failed: bool) -> None:
        self.graded += 1
        self.failed += int(failed)
        if self._progress is None:
            return
        task = self._progress.tasks[0]
        self._progress.update(self._task, advance=1, failed=self.failed, graded=self.graded,
                              remaining=int((task.total or 0) - task.completed - 1))
        self.tick(force=True)

    def tick(self, force: bool = False) -> None:
        """Redraw (at most a few times a second) so the rate and ETA move while workers run."""
        if self._progress is None:
            return
        now = time.monotonic()
        if force or now - self._last >= 0.25:
            self._last = now
            self._progress.refresh()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.refresh()
            self._progress.stop()
            self._progress = None
