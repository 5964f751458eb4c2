"""A course directory: its rubrics, its reference modules and its report templates."""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rubric layer (pydantic) loads only when a rubric is read: a no-op rerun never does
    from grader.course.rubric import LoadedRubric
    from grader.course.settings import CourseSettings


class CourseError(Exception):
    """A course directory problem: unknown assignment, missing reference, broken reference module."""


class Course:
    """The course directory given by `--course` (default: the current directory)."""

    def __init__(self, root: str | Path = "."):
        self.root = Path(root).resolve()
        self._rubrics: dict[str, LoadedRubric] = {}
        self._modules: dict[str, ModuleType] = {}
        self._settings: CourseSettings | None = None

    @property
    def rubrics_dir(self) -> Path:
        return self.root / "rubrics"

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference"

    @property
    def templates_dir(self) -> Path:
        return self.rubrics_dir / "templates"

    @property
    def settings_path(self) -> Path:
        return self.root / "course.yaml"

    def settings(self) -> CourseSettings:
        """The validated course.yaml (defaults without one); SettingsError if it is broken."""
        from grader.course.settings import load_settings

        if self._settings is None:
            self._settings = load_settings(self.settings_path)
        return self._settings

    def assignment_ids(self) -> list[str]:
        return sorted(p.stem for p in self.rubrics_dir.glob("*.yaml"))

    def rubric_path(self, assignment_id: str) -> Path:
        return self.rubrics_dir / f"{assignment_id}.yaml"

    def rubric(self, assignment_id: str) -> LoadedRubric:
        """The validated rubric of `assignment_id`; CourseError if there is none, RubricError if it is broken."""
        from grader.course.rubric import load_rubric

        if assignment_id not in self._rubrics:
            path = self.rubric_path(assignment_id)
            if not path.is_file():
                known = ", ".join(self.assignment_ids())
                hint = f"known: {known}" if known else (f"{self.root} holds no rubrics/: pass the course folder with "
                                                        "--course DIR, or run the command from it")
                raise CourseError(f"unknown assignment {assignment_id!r}: no {path} ({hint})")
            self._rubrics[assignment_id] = load_rubric(path, self.reference_dir / "bank")
        return self._rubrics[assignment_id]

    def reference_path(self, filename: str) -> tuple[Path, Path]:
        """`reference/<filename>` resolved, and its path relative to reference/; CourseError if not a file inside."""
        # resolved on both sides: a course may link reference/ to a folder shared between terms
        base = self.reference_dir.resolve()
        path = (base / filename).resolve()
        if base not in path.parents or not path.is_file():
            raise CourseError(f"no reference module {filename!r} in {self.reference_dir}")
        return path, path.relative_to(base)

    def reference(self, filename: str) -> ModuleType:
        """Import `reference/<filename>` by path, as pytest imports conftest files, once per course."""
        if filename in self._modules:
            return self._modules[filename]
        path, relative = self.reference_path(filename)
        # named by its path under reference/, so worlds/x.py and x.py are different modules
        relative = relative.with_suffix("")
        name = "grader_course_reference." + ".".join(relative.parts)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise CourseError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look modules up by name
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise CourseError(f"{path}: import failed: {type(exc).__name__}: {exc}") from exc
        self._modules[filename] = module
        return module

    def reference_object(self, target: str) -> object:
        """`file.py:name` -> that object of the reference module."""
        filename, _, attr = target.partition(":")
        module = self.reference(filename)
        try:
            return getattr(module, attr)
        except AttributeError:
            raise CourseError(f"reference/{filename} has no {attr!r}") from None

    def secret(self) -> str:
        """The course's secret key for hidden seeds: $GRADER_SECRET, else `.grader-secret` in the course
        directory, made on first use. Reruns stay reproducible; students never hold it."""
        key = os.environ.get("GRADER_SECRET")
        if key:
            return key
        path = self.root / ".grader-secret"
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        token = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(token + "\n")
        return token

    @cached_property
    def has_templates(self) -> bool:
        return self.templates_dir.is_dir()


__all__ = ["Course", "CourseError"]
