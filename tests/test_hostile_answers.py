"""Hostile free-text answers: nothing in them runs, and they reach the project unchanged.

Cookiecutter renders every answer it is given on the command line, in ``extra_context`` or in
a user config as a Jinja template before any template file or hook runs (Jinja unsandboxed, so
an answer could run Python); answers typed at the prompts it takes as they are. The template's
Jinja extension (local_extensions.py) turns every answer back into the text it is. These tests
give project_name, description and author quotes of both kinds, backslashes, newlines,
``{{``/``{%``/``{#``, shell command substitutions, Markdown, non-ASCII text and 5,000-character
values, line breaks of every kind followed by ``Requires-Dist:``, and TOML syntax, through all
three paths, and prove: no command in them ran, ``{{ 7*7 }}`` stays as written, the Python,
TOML, YAML, INI and Markdown files parse and carry the answers exactly (one line each where
the format has one), the wheel built from the project declares only its own metadata, ruff
passes, and the generated suite passes.
"""

import configparser
import email.parser
import email.policy
import itertools
import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from local_extensions import one_line
from tests.conftest import (
    Rendering,
    assert_suite_passed,
    child_environment,
    isolated_cookiecutter_config,
    render,
    run_cookiecutter_cli,
    run_python,
)

FREE_TEXT = ("project_name", "description", "author")
SKIPPED_DIRECTORIES = {".mypy_cache", ".ruff_cache", "__pycache__", ".pytest_cache"}


def hostile(field: str, marker: Path) -> str:
    """One answer holding every kind of trouble, each command touching ``marker``-<kind>."""
    return "\n".join(
        [
            f'{field}: Bob\'s "Quoted" \\ back\\\\slashes \\n \\u0041 \t tab ; end',
            "{{ 7*7 }} {% if true %}block{% endif %} {# comment #} {{ cookiecutter.author }}",
            f'{{{{ cycler.__init__.__globals__.os.system("touch {marker}-jinja") }}}}',
            f"$(touch {marker}-dollar) `touch {marker}-backtick` ; touch {marker}-semicolon",
            "``` # heading <b>html</b> &amp; [link](x) *em* _em_ ~~del~~ | a | $math$",
            "- not a list\n1. not a list either\n---\n===",
            "ünïcødé — 漢字 — عربي — 🦸‍♀️ — \u00a0nbsp — \u2028 line separator",
            "Requires-Dist: evilpkg>=6.6.6\rRequires-Dist: cr\x0bRequires-Dist: vt\x85nel",
            '"""\'\'\' ] [project] dependencies = ["evilpkg"] # a = "b" \\u0000',
        ]
    )


def long_hostile(field: str, marker: Path) -> str:
    """``hostile`` padded with non-ASCII text to exactly 5,000 characters."""
    text = hostile(field, marker) + " " + "Ünïcødé 漢字 🦸 " * 400
    return text[:5000]


@pytest.fixture(scope="module")
def marker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a command hidden in an answer would leave a file, if it ever ran."""
    return tmp_path_factory.mktemp("side-effects") / "ran"


def side_effects(marker: Path) -> list[str]:
    return sorted(path.name for path in marker.parent.iterdir())


@pytest.fixture(scope="module")
def command_line(
    tmp_path_factory: pytest.TempPathFactory, marker: Path
) -> tuple[Rendering, dict[str, str]]:
    """``cookiecutter --no-input . key=value ...``, as a user types it."""
    output = tmp_path_factory.mktemp("hostile-cli")
    given = {field: hostile(field, marker) for field in FREE_TEXT}
    result = run_cookiecutter_cli(
        output, "project_slug=hostile", *(f"{key}={value}" for key, value in given.items())
    )
    assert result.returncode == 0, result.stderr
    return Rendering(output / "hostile", {"project_slug": "hostile", **given}), given


@pytest.fixture(scope="module")
def long_answers(
    tmp_path_factory: pytest.TempPathFactory, marker: Path
) -> tuple[Rendering, dict[str, str]]:
    """5,000-character answers through the Python API's ``extra_context``."""
    given = {field: long_hostile(field, marker) for field in FREE_TEXT}
    output = tmp_path_factory.mktemp("hostile-long")
    return render(output, project_slug="long_answers", **given), given


@pytest.fixture(scope="module")
def typed(
    tmp_path_factory: pytest.TempPathFactory, marker: Path
) -> tuple[Rendering, dict[str, str]]:
    """The answers typed at cookiecutter's prompts (one line each: a prompt reads one line)."""
    given = {field: hostile(field, marker).replace("\n", " ") for field in FREE_TEXT}
    output = tmp_path_factory.mktemp("hostile-typed")
    lines = [given["project_name"], "typed", "", given["description"], given["author"]]
    result = subprocess.run(
        [
            *(sys.executable, "-m", "cookiecutter", ".", "--output-dir", str(output)),
            *("--config-file", str(isolated_cookiecutter_config(output))),
        ],
        cwd=Path(__file__).parents[1],
        input="\n".join(lines + [""] * 10) + "\n",  # the choices keep their defaults
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Rendering(output / "typed", {"project_slug": "typed", **given}), given


PATHS = ["command_line", "long_answers", "typed"]


@pytest.fixture(params=PATHS)
def hostile_rendering(request: pytest.FixtureRequest) -> tuple[Rendering, dict[str, str]]:
    rendering: tuple[Rendering, dict[str, str]] = request.getfixturevalue(request.param)
    return rendering


def project_files(rendering: Rendering) -> list[Path]:
    return [
        path
        for path in rendering.path.rglob("*")
        if path.is_file() and not SKIPPED_DIRECTORIES & set(path.parts)
    ]


def test_no_command_in_an_answer_ran(
    hostile_rendering: tuple[Rendering, dict[str, str]], marker: Path
) -> None:
    """No file a Jinja expression, $(...), backticks or ; in an answer would create exists."""
    assert side_effects(marker) == []


def test_toml_holds_the_answers_exactly(
    hostile_rendering: tuple[Rendering, dict[str, str]],
) -> None:
    """pyproject.toml parses; description and author are the answers, character for character
    once folded onto one line (so ``{{ 7*7 }}`` was not turned into 49)."""
    rendering, given = hostile_rendering
    project = tomllib.loads((rendering.path / "pyproject.toml").read_text())["project"]

    assert project["description"] == one_line(given["description"])
    assert project["authors"] == [{"name": one_line(given["author"])}]
    assert "{{ 7*7 }}" in project["description"]


def test_wheel_metadata_has_only_the_expected_fields(
    command_line: tuple[Rendering, dict[str, str]], tmp_path: Path
) -> None:
    """The wheel the project's own build backend (hatchling) makes declares exactly the fields
    of pyproject.toml: the description and author on one line each as Summary and Author, the
    declared dependencies and no other (``Requires-Dist: evilpkg`` in an answer stays text)."""
    rendering, given = command_line
    build = f"from hatchling.build import build_wheel; print(build_wheel({str(tmp_path)!r}))"
    result = run_python(rendering.path, "-c", build)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / result.stdout.split()[-1]) as wheel:
        [name] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        text = wheel.read(name).decode()
    metadata = email.parser.Parser(policy=email.policy.default).parsestr(text)
    project = tomllib.loads((rendering.path / "pyproject.toml").read_text())["project"]

    assert sorted(metadata.keys()) == sorted(
        ["Metadata-Version", "Name", "Version", "Summary", "Author", "Requires-Python"]
        + ["Description-Content-Type"]
        + ["Requires-Dist"] * len(project["dependencies"])
    )
    assert metadata["Summary"] == one_line(given["description"])
    assert metadata["Author"] == one_line(given["author"])
    assert sorted(metadata.get_all("Requires-Dist")) == sorted(project["dependencies"])
    assert text.split("\n\n", 1)[1] == (rendering.path / "README.md").read_text()


def test_python_holds_the_project_name_exactly(
    hostile_rendering: tuple[Rendering, dict[str, str]],
) -> None:
    """Every .py file compiles, and the app's title is the project name exactly."""
    rendering, given = hostile_rendering
    for path in project_files(rendering):
        if path.suffix == ".py":
            compile(path.read_text(), str(path), "exec")
    package = rendering.answers["project_slug"]

    script = f"import json; from {package}.main import app; print(json.dumps(app.title))"

    result = run_python(rendering.path, "-c", script)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == given["project_name"]


def test_yaml_and_ini_parse(hostile_rendering: tuple[Rendering, dict[str, str]]) -> None:
    """alembic.ini and every YAML file parse."""
    rendering, _given = hostile_rendering
    assert configparser.ConfigParser().read(rendering.path / "alembic.ini", encoding="utf-8")
    for path in project_files(rendering):
        if path.suffix in {".yml", ".yaml"}:
            assert yaml.safe_load(path.read_text()), path


def markdown_blocks(text: str) -> list[tuple[str, str, set[str]]]:
    """(tag, plain text, kinds of inline content) for each block of a CommonMark + GitHub
    tables and strikethrough document."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = parser.parse(text)
    blocks = []
    for opening, inline in itertools.pairwise(tokens):
        if inline.type == "inline" and opening.nesting == 1:
            children = inline.children or []
            plain = "".join(child.content for child in children)
            blocks.append((opening.tag, plain, {child.type for child in children}))
    return blocks


def test_readme_shows_name_and_description_as_written(
    hostile_rendering: tuple[Rendering, dict[str, str]],
) -> None:
    """README.md: the title is one heading showing the name as plain text on one line, the
    next block one paragraph showing the description; no markup in them takes effect."""
    rendering, given = hostile_rendering
    blocks = markdown_blocks((rendering.path / "README.md").read_text())

    one_line = {field: " ".join(given[field].split()) for field in FREE_TEXT}
    assert blocks[0] == ("h1", one_line["project_name"], {"text"})
    assert blocks[1] == ("p", one_line["description"], {"text"})
    assert [tag for tag, _text, _kinds in blocks].count("h1") == 1


@pytest.mark.parametrize("fixture", ["command_line", "long_answers"])
def test_ruff_passes(fixture: str, request: pytest.FixtureRequest) -> None:
    """ruff check and ruff format --check pass, 5,000-character name and all."""
    rendering, _given = request.getfixturevalue(fixture)
    for command in (["check"], ["format", "--check"]):
        result = run_python(rendering.path, "-m", "ruff", *command, "--no-cache", ".")
        assert result.returncode == 0, result.stdout + result.stderr


def test_generated_suite_passes(
    long_answers: tuple[Rendering, dict[str, str]], marker: Path
) -> None:
    """The generated suite passes in the project made from the longest hostile answers (the
    others hold the same text, shorter); still nothing ran."""
    rendering, _given = long_answers
    assert_suite_passed(run_python(rendering.path, "-m", "pytest", "-p", "no:randomly"))
    assert side_effects(marker) == []


def test_slug_made_from_a_hostile_name_is_an_identifier(tmp_path: Path) -> None:
    """With no slug answer, the slug made from a hostile name is a lower-case identifier and
    the project lands inside the output folder, not in a path the name spells."""
    name = 'Bob\'s "Héros" / ../../escape {{ 7*7 }} 🦸'

    result = run_cookiecutter_cli(tmp_path / "out", f"project_name={name}")

    assert result.returncode == 0, result.stderr
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["bob_s_heros_escape_7_7"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "out-cookiecutter"]
