"""Free-text answers reach the project unchanged, as valid Python, TOML and Markdown."""

import json
import tomllib

import pytest

from local_extensions import one_line
from tests.conftest import Rendering, render, run_python

AWKWARD = {
    "project_name": 'Bob\'s "Quoted" \\ Heroes — ünïcødé 🦸',
    "description": 'Line one\nline "two" with a \\ backslash\tand a tab; ünïcødé ✓',
    "author": 'Zoë O\'Brien "the" \\ Author',
}


@pytest.fixture(scope="module")
def awkward_rendering(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("free-text"), project_slug="awkward", **AWKWARD)


def test_toml_keeps_description_and_author(awkward_rendering: Rendering) -> None:
    """pyproject.toml parses and holds the description and author as answered, on one line
    each (the package metadata they become has one field a line)."""
    project = tomllib.loads((awkward_rendering.path / "pyproject.toml").read_text())["project"]

    assert project["description"] == one_line(AWKWARD["description"])
    assert project["authors"] == [{"name": one_line(AWKWARD["author"])}]


def test_python_keeps_the_project_name(awkward_rendering: Rendering) -> None:
    """The app's title is the project name, character for character."""
    result = run_python(
        awkward_rendering.path,
        "-c",
        "import json; from awkward.main import app; print(json.dumps(app.title))",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == AWKWARD["project_name"]


def test_markdown_heading_is_one_line(awkward_rendering: Rendering) -> None:
    """The README's title is the project name on a single line, its backslash escaped so
    Markdown shows it (tests/test_hostile_answers.py parses the Markdown)."""
    first_line = (awkward_rendering.path / "README.md").read_text().splitlines()[0]
    assert first_line == "# " + AWKWARD["project_name"].replace("\\", "\\\\")
