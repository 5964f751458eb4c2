"""Tests of grader.report.contract: safe report folder names, score formatting, grades.csv."""

from __future__ import annotations

from grader.export.safety import format_score, neutralise
from grader.report.contract import grades_csv, report_dirs, safe_dirname
from grader.grading.results import QuestionResult, Status, SubmissionResult
from grader.course.rubric import Assignment, Question


def test_student_ids_cannot_leave_the_output_folder() -> None:
    for hostile in ("../../etc", "/abs/path", "..", ".hidden", "a/../../b", "", "con\x00sole"):
        name = safe_dirname(hostile)
        assert "/" not in name and not name.startswith(".") and name not in ("", "..")
    assert safe_dirname("Zoë O'Brien") == "Zo_O_Brien"


def test_clashing_ids_get_distinct_folders() -> None:
    subs = [SubmissionResult(p, s, ()) for p, s in (("a/x.md", "x"), ("b/x.md", "x"), ("y.md", "y"), ("c/x.md", "x"))]
    assert report_dirs(subs) == ["x", "x__2", "y", "x__3"]


def test_score_format_is_fixed() -> None:
    assert [format_score(x) for x in (0, 1.5, 2.0, 1 / 3, -0.0, 12.34567)] == ["0", "1.5", "2", "0.3333", "0", "12.3457"]


def test_grades_csv_neutralises_formulas_in_text_cells() -> None:
    a = Assignment(assignment="d", questions=(Question(id="1", points=2),))
    r = SubmissionResult("=HYPERLINK(\"x\").md", "=cmd|' /C calc'!A0",
                         (QuestionResult("1", 1.5, 2, Status.PARTIAL),))
    text = grades_csv(a, [r])
    assert text.splitlines()[1].startswith("'=cmd")
    assert '"\'=HYPERLINK' in text
    assert neutralise("+1") == "'+1" and neutralise("plain") == "plain"


def test_grades_csv_leaves_a_submission_in_error_empty_never_a_zero() -> None:
    a = Assignment(assignment="d", questions=(Question(id="1", points=2), Question(id="2", points=3)))
    broken = SubmissionResult("scan.pdf", "scan", (QuestionResult("1", 0.0, 2, Status.ERROR),
                                                   QuestionResult("2", 0.0, 3, Status.ERROR)))
    crashed = SubmissionResult("c.md", "c", (QuestionResult("1", 2.0, 2, Status.CORRECT),
                                             QuestionResult("2", 0.0, 3, Status.ERROR)))
    graded = SubmissionResult("g.md", "g", (QuestionResult("1", 0.0, 2, Status.INCORRECT),
                                            QuestionResult("2", 3.0, 3, Status.CORRECT)))
    rows = grades_csv(a, [broken, crashed, graded]).splitlines()
    assert rows[1:] == ["scan,scan.pdf,,5,,", "c,c.md,,5,,", "g,g.md,3,5,0,3"]


def test_a_full_disk_leaves_the_previous_file_whole(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import builtins
    import errno

    from grader.report.contract import atomic_write

    target = tmp_path / "results.json"
    atomic_write(target, '{"old": true}\n')
    real_open = builtins.open

    class FullDisk:
        def __init__(self, fh):  # type: ignore[no-untyped-def]
            self.fh = fh

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.fh.close()

        def write(self, text: str) -> int:
            self.fh.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    def opener(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        fh = real_open(file, mode, *args, **kwargs)
        return FullDisk(fh) if "w" in mode and ".tmp" in str(file) else fh

    monkeypatch.setattr(builtins, "open", opener)
    try:
        atomic_write(target, '{"new": "a much longer document that will not fit"}\n')
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    else:
        raise AssertionError("the full disk was not reported")
    monkeypatch.undo()
    assert target.read_text() == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
