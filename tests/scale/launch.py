"""Run `grader` in a subprocess with the test-only `sleep` check kind registered: python launch.py grade ..."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sleepcheck

from grader.cli import main

sleepcheck.register()
raise SystemExit(main(sys.argv[1:]))
