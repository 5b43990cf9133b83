"""The pre-generation hook: bad names stop generation with one clear line and leave nothing."""

from pathlib import Path

import pytest

from tests.conftest import run_cookiecutter_cli

BAD_NAMES = {
    "hero-service": "lower-case Python identifier",
    "HeroService": "lower-case Python identifier",
    "1heroes": "lower-case Python identifier",
    "héros": "lower-case Python identifier",
    "class": "Python keyword",
    "fastapi": "would shadow the module 'fastapi'",
    "sqlmodel": "would shadow the module 'sqlmodel'",
    "tests": "would shadow the module 'tests'",
    "json": "would shadow the module 'json'",
}


@pytest.mark.parametrize("question", ["project_slug", "package_name"])
@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_name_stops_generation(question: str, name: str, tmp_path: Path) -> None:
    """Exit status 1, exactly one ERROR: line naming the value and the rule, no folder left."""
    result = run_cookiecutter_cli(tmp_path, f"{question}={name}")

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr
    assert question in errors[0]
    assert repr(name) in errors[0]
    assert BAD_NAMES[name] in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_good_names_generate(tmp_path: Path) -> None:
    """A slug and package name that follow the rules render a project of that name."""
    result = run_cookiecutter_cli(tmp_path, "project_slug=hero_api", "package_name=heroes")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hero_api" / "src" / "heroes" / "main.py").is_file()
