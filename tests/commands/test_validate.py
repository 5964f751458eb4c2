"""`grader validate` end to end: derivation worlds loaded (missing ones refused), an untouched new-question stub
warned about, bank entries named in messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.cli import main


def test_an_untouched_world_stub_is_warned_about_not_refused(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    course = ["--course", str(tmp_path)]
    assert main(["new-question", "topic", "first", "--assignment", "hw", *course]) == 0
    capsys.readouterr()
    assert main(["validate", *course]) == 0
    out = capsys.readouterr().out
    assert "warning: " in out and "(from bank " in out and "entry first): field 'checks[1].world'" in out
    assert "is the stub `grader new-question` wrote and binds nothing" in out
    assert "1 rubric(s) valid: hw (1 warning(s))" in out
    # bound symbols: no longer the untouched stub
    world = tmp_path / "reference/worlds/topic_world.py"
    world.write_text(world.read_text().replace('evaluated)."""\n', 'evaluated)."""\n    s.let("x", 2.0)\n'))
    assert main(["validate", *course]) == 0
    assert capsys.readouterr().out.strip() == "1 rubric(s) valid: hw"


def test_no_world_scaffolds_no_stub_and_no_derivation_check(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    course = ["--course", str(tmp_path)]
    assert main(["new-question", "topic", "first", "--assignment", "hw", "--no-world", *course]) == 0
    assert not (tmp_path / "reference/worlds").exists()
    assert "derivation" not in (tmp_path / "reference/bank/topic.yaml").read_text()
    assert "topic_world.py" not in capsys.readouterr().out
    assert main(["validate", *course]) == 0
    assert capsys.readouterr().out.strip() == "1 rubric(s) valid: hw"


def test_a_missing_world_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = ["--course", str(tmp_path)]
    assert main(["new-question", "topic", "first", "--assignment", "hw", *course]) == 0
    (tmp_path / "reference/worlds/topic_world.py").unlink()
    capsys.readouterr()
    assert main(["validate", *course]) == 1
    out = capsys.readouterr().out
    assert "field 'checks[1].world': no reference module 'worlds/topic_world.py'" in out, out
