"""Every combination renders into a clean project: no template syntax, lint and types pass, and
the database answer changes no generated test."""

import configparser
import itertools
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import OPTIONS, Rendering, render, run_python

# `${{ matrix.shard }}` is a GitHub Actions expression in the generated workflow, not Jinja.
LEFTOVER_TEMPLATE_SYNTAX = re.compile(r"(?<!\$)\{\{|\{%|\{#|cookiecutter\.")
SKIPPED_DIRECTORIES = {".mypy_cache", ".ruff_cache", "__pycache__", ".pytest_cache", ".hypothesis"}


PAIRS = [{"orm": orm, "api": api} for orm, api in itertools.product(OPTIONS["orm"], OPTIONS["api"])]


def project_files(rendering: Rendering) -> list:
    return [
        path
        for path in rendering.path.rglob("*")
        if path.is_file() and not SKIPPED_DIRECTORIES & set(path.parts)
    ]


def test_no_template_syntax_is_left(rendering: Rendering) -> None:
    """No `{{`, `{%`, `{#` or `cookiecutter.` survives rendering, in any file."""
    leftovers = [
        f"{path.relative_to(rendering.path)}: {line.strip()}"
        for path in project_files(rendering)
        for line in path.read_text().splitlines()
        if LEFTOVER_TEMPLATE_SYNTAX.search(line)
    ]
    assert leftovers == []


def test_python_files_compile(rendering: Rendering) -> None:
    """Every .py file is valid Python."""
    for path in project_files(rendering):
        if path.suffix == ".py":
            compile(path.read_text(), str(path), "exec")


def test_config_files_parse(rendering: Rendering) -> None:
    """pyproject.toml, alembic.ini and every YAML file parse."""
    project = rendering.path
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"]
    assert configparser.ConfigParser().read(project / "alembic.ini")
    for path in project_files(rendering):
        if path.suffix in {".yml", ".yaml"}:
            assert yaml.safe_load(path.read_text()), path


def test_compose_file_only_for_a_database_server(rendering: Rendering) -> None:
    """compose.yaml (a development server) exists exactly when the service needs a server."""
    wanted = rendering.answers["database"] != "sqlite"
    assert (rendering.path / "compose.yaml").exists() == wanted


def test_ruff_check_passes(rendering: Rendering) -> None:
    """The generated code passes its own ruff rules."""
    result = run_python(rendering.path, "-m", "ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_passes(rendering: Rendering) -> None:
    """The generated code is already formatted as ruff would format it."""
    result = run_python(rendering.path, "-m", "ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes(rendering: Rendering, mypy_cache: str) -> None:
    """The generated code type-checks under its own strict mypy configuration."""
    result = run_python(rendering.path, "-m", "mypy", MYPY_CACHE_DIR=mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


def file_contents(folder: Path) -> dict[Path, bytes]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder): path.read_bytes() for path in files}


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: f"{pair['orm']}-{pair['api']}")
def test_the_database_answer_changes_no_test(pair: dict[str, str], tmp_path: Path) -> None:
    """The generated tests/ are the same, file for file, whatever the database answer: one
    collection of an orm and api pair serves all three (tests/test_guide.py)."""
    folders = [
        render(tmp_path / database, **pair, database=database).path / "tests"
        for database in OPTIONS["database"]
    ]
    contents = [file_contents(folder) for folder in folders]

    assert contents[0]
    assert all(content == contents[0] for content in contents[1:])
