"""Course-wide settings: the optional `course.yaml` at the course root, validated with errors naming file and field."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from grader.course.rubric import FileProblems, SafeLoader, yaml_problem

if TYPE_CHECKING:  # the PDF reader loads only when a PDF is read
    from grader.read.pdf.convert import PdfConverter


class SettingsError(FileProblems):
    """Every problem found in course.yaml, each as `file: field F: message`."""


class ConverterSpec(BaseModel):
    """An external program that reads a scanned PDF (an OCR service's client) and writes Markdown or LaTeX."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: tuple[str, ...] = Field(min_length=1)  # argv; the PDF's path replaces `{pdf}` or is appended
    timeout_s: float = Field(default=120.0, gt=0, le=3600)

    @field_validator("command", mode="before")
    @classmethod
    def _argv(cls, v: object) -> object:
        if isinstance(v, str):  # run without a shell: a string would have to be split by shell rules
            raise ValueError("write the command as a list of arguments, e.g. [\"ocr-client\", \"--latex\"]")
        return v


class CourseSettings(BaseModel):
    """What course.yaml may set; every field is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pdf_converter: ConverterSpec | None = None

    def converter(self) -> PdfConverter | None:
        """The PDF converter as ingest takes it, or None when the course sets none."""
        from grader.read.pdf.convert import PdfConverter

        spec = self.pdf_converter
        return PdfConverter(command=spec.command, timeout_s=spec.timeout_s) if spec is not None else None


def load_settings(path: Path) -> CourseSettings:
    """course.yaml at `path`, validated; the defaults when there is no such file; SettingsError if it is broken."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CourseSettings()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError([f"{path}: cannot be read ({exc})"]) from None
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise SettingsError([yaml_problem(path, exc)]) from None
    if data is None:
        return CourseSettings()
    if not isinstance(data, dict):
        raise SettingsError([f"{path}: course.yaml is a mapping of settings (e.g. pdf_converter: ...)"])
    try:
        return CourseSettings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(f"[{p + 1}]" if isinstance(p, int) else str(p) for p in err["loc"]).replace(".[", "[")
            problems.append(f"{path}: field '{field}': {err['msg']}" if field else f"{path}: {err['msg']}")
        raise SettingsError(problems) from None


__all__ = ["ConverterSpec", "CourseSettings", "SettingsError", "load_settings"]
