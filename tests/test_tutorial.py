"""docs/tutorial.md: its commands, run in order on a copy of the course from before question 5 existed, print what
the tutorial shows; `grader new-question` rebuilds the rubric and world as they are in the repository."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"


def steps() -> list[tuple[list[str], list[str]]]:
    """(command, expected stdout lines) of every `$ ` line of the tutorial's console blocks, in order."""
    out: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((shlex.split(line[2:]), []))
            else:
                out[-1][1].append(line)
    return out


def before_question_5(tmp: Path) -> None:
    """The course as it was before `grader new-question conv choose_layer` ran."""
    for name in ("rubrics", "reference"):
        shutil.copytree(ROOT / name, tmp / name)
    shutil.copytree(ROOT / "submissions" / "conv-2026", tmp / "submissions" / "conv-2026")
    bank = tmp / "reference" / "bank" / "conv.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").split("  choose_layer:")[0], encoding="utf-8")
    rubric = tmp / "rubrics" / "conv-2026.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").split('  - id: "5"')[0], encoding="utf-8")
    (tmp / "reference" / "worlds" / "conv_world.py").unlink(missing_ok=True)  # never written (--no-world)
    shutil.rmtree(tmp / "reference" / "samples" / "conv")


def test_the_tutorials_commands_print_what_it_shows(tmp_path: Path) -> None:
    before_question_5(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ran = []
    for argv, expected in steps():
        if argv[0] == "cat":
            got = (tmp_path / argv[1]).read_text(encoding="utf-8").splitlines()
        else:
            assert argv[0] == "grader", argv
            proc = subprocess.run([sys.executable, "-m", "grader", *argv[1:]], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=300)
            # `grade` exits 1 as the tutorial says: the nearly empty write-up is flagged for review
            assert proc.returncode == (1 if argv[1] == "grade" else 0), (argv, proc.stdout, proc.stderr)
            got = proc.stdout.splitlines()
        assert got == expected, argv
        ran.append(argv[0] if argv[0] == "cat" else argv[1])
        if argv[1:2] == ["new-question"]:
            # what the tool wrote is what the repository holds; the tutorial's step 3 then edits the entry
            rel = "rubrics/conv-2026.yaml"
            assert (tmp_path / rel).read_text(encoding="utf-8") == (ROOT / rel).read_text(encoding="utf-8")
            # the tutorial scaffolds with --no-world: no stub to delete
            assert not (tmp_path / "reference/worlds/conv_world.py").exists()
            for rel in ("reference/bank/conv.yaml", "reference/samples/conv/choose_layer/right.md",
                        "reference/samples/conv/choose_layer/wrong.md"):
                shutil.copyfile(ROOT / rel, tmp_path / rel)
    assert {"new-question", "try", "validate", "grade", "cat"} <= set(ran)
