"""Fixtures for the review page: a graded folder (two example write-ups and a hostile one), copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from grader import cli
from grader.serve.app import create_app
from serve_support import DECODING, REPO, hostile_writeup


@pytest.fixture(scope="session")
def graded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("serve")
    subs = [str(DECODING / "correct.md"), str(DECODING / "flawed.md"), str(hostile_writeup(base))]
    assert cli.main(["grade", *subs, "--assignment", "decoding-2021", "--out", str(base / "out"),
                     "--course", str(REPO), "--jobs", "2"]) == 0
    return base / "out"


@pytest.fixture
def graded(graded_once: Path, tmp_path: Path) -> Path:
    """A copy of the graded folder for one test to change."""
    shutil.copytree(graded_once, tmp_path / "out")
    return tmp_path / "out"


@pytest.fixture
def app(graded: Path) -> Flask:
    return create_app(graded, str(REPO))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
