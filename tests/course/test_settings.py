import subprocess
import sys
from pathlib import Path

import pytest

from grader.course.directory import Course
from grader.course.settings import SettingsError, load_settings
from grader.grading.pipeline import grade_submission
from grader.grading.results import Status

SCANNED = Path(__file__).parents[1] / "read" / "pdf" / "fixtures" / "scanned.pdf"
RUBRIC = """\
assignment: demo
questions:
  - id: "1"
    points: 2
    checks:
      - kind: keywords
        any: [zyxalgorithm]
"""
CONVERTER = "print('# Question 1\\n\\nWe use the zyxalgorithm here.')\n"


def make_course(tmp_path: Path, settings: str | None) -> Path:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(RUBRIC)
    (tmp_path / "ocr.py").write_text(CONVERTER)
    if settings is not None:
        (tmp_path / "course.yaml").write_text(settings)
    return tmp_path


def converter_yaml(tmp_path: Path, timeout: str = "30") -> str:
    return f"pdf_converter:\n  command: [{sys.executable!r}, {str(tmp_path / 'ocr.py')!r}]\n  timeout_s: {timeout}\n"


def test_no_course_yaml_means_no_converter(tmp_path):
    assert Course(make_course(tmp_path, None)).settings().converter() is None


def test_converter_is_read_with_its_limit(tmp_path):
    conv = Course(make_course(tmp_path, converter_yaml(tmp_path, "7.5"))).settings().converter()
    assert conv is not None and conv.command[-1].endswith("ocr.py") and conv.timeout_s == 7.5


@pytest.mark.parametrize("text, expected", [
    ("pdf_converter:\n  command: ocr --latex\n", r"course\.yaml: field 'pdf_converter\.command': .*list of arguments"),
    ("pdf_converter:\n  command: [ocr]\n  timeout_s: -1\n", r"field 'pdf_converter\.timeout_s': .*greater than 0"),
    ("pdf_converter:\n  command: []\n", r"field 'pdf_converter\.command': .*at least 1"),
    ("pdf_convertor:\n  command: [ocr]\n", r"field 'pdf_convertor': Extra inputs are not permitted"),
    ("pdf_converter: [ocr\n", r"course\.yaml: line \d+: not valid YAML"),
    ("- ocr\n", r"course\.yaml: course\.yaml is a mapping"),
])
def test_malformed_course_yaml_names_file_and_field(tmp_path, text, expected):
    (tmp_path / "course.yaml").write_text(text)
    with pytest.raises(SettingsError, match=expected):
        load_settings(tmp_path / "course.yaml")


def test_grading_a_scanned_pdf_uses_the_course_converter(tmp_path):
    course = Course(make_course(tmp_path, converter_yaml(tmp_path)))
    result = grade_submission(str(SCANNED), course.rubric("demo"), course)
    assert result.questions[0].status is Status.CORRECT
    assert any("pdf_converter" in f.message for f in result.findings)


def test_grading_a_scanned_pdf_without_a_converter_says_where_to_set_one(tmp_path):
    course = Course(make_course(tmp_path, None))
    result = grade_submission(str(SCANNED), course.rubric("demo"), course)
    assert result.questions[0].status is Status.ERROR
    assert "`pdf_converter` in course.yaml" in result.questions[0].findings[0].message


def test_a_broken_course_yaml_makes_each_submission_an_error_naming_it(tmp_path):
    course = Course(make_course(tmp_path, "pdf_converter: {command: ocr}\n"))
    result = grade_submission(str(SCANNED), course.rubric("demo"), course)
    assert result.questions[0].status is Status.ERROR
    assert "course.yaml: field 'pdf_converter.command'" in result.questions[0].findings[0].message


def test_validate_reports_a_malformed_course_yaml(tmp_path):
    root = make_course(tmp_path, "pdf_converter:\n  command: [ocr]\n  timeout: 5\n")
    run = subprocess.run([sys.executable, "-m", "grader", "validate"], cwd=root, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0
    assert "course.yaml: field 'pdf_converter.timeout': Extra inputs are not permitted" in run.stdout
    (root / "course.yaml").write_text(converter_yaml(tmp_path))
    run = subprocess.run([sys.executable, "-m", "grader", "validate"], cwd=root, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
