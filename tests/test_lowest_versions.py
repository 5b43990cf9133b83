"""The generated suites at the lowest versions their pins allow.

Every other run of a generated suite here uses this template's own environment, which holds
the newest versions the pins allow (the template's uv.lock). This module builds one more
environment, with every generated dependency at the lowest version its pin allows (uv's
``lowest-direct`` resolution; what they depend on in turn at its newest), and runs each
combination's suite in it: the SQLite renderings' on SQLite, the others' on their own server,
so the lowest drivers run too. A pin whose lowest version fails here is raised.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.conftest import (
    COMBINATIONS,
    Rendering,
    assert_suite_passed,
    child_environment,
    combination_id,
    render,
)

# The server tests are the long ones: marked, they are handed out first (see conftest.py).
ON_ITS_DATABASE = [
    pytest.param(
        answers,
        id=combination_id(answers),
        marks=[]
        if answers["database"] == "sqlite"
        else [getattr(pytest.mark, answers["database"])],
    )
    for answers in COMBINATIONS
]


def requirements(project: Path) -> set[str]:
    """A generated project's runtime and dev dependencies, as written in its pyproject.toml."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    return {*pyproject["project"]["dependencies"], *pyproject["dependency-groups"]["dev"]}


@pytest.fixture(scope="session")
def lowest_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python of an environment holding every combination's dependencies, each at the
    lowest version its pin allows."""
    folder = tmp_path_factory.mktemp("lowest")
    wanted = set().union(
        *(requirements(render(folder / combination_id(a), **a).path) for a in COMBINATIONS)
    )
    uv = shutil.which("uv")
    assert uv, "uv is not on PATH: install it with `pip install uv`"
    environment = folder / ".venv"
    for command in (
        [uv, "venv", "--quiet", "--python", sys.executable, str(environment)],
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(environment / "bin" / "python"),
            "--resolution",
            "lowest-direct",
            *sorted(wanted),
        ],
    ):
        subprocess.run(command, check=True, env=child_environment(), timeout=600)
    return environment / "bin" / "python"


@pytest.mark.parametrize("rendering", ON_ITS_DATABASE, indirect=True)
def test_suite_passes_at_the_lowest_versions(
    rendering: Rendering, lowest_python: Path, request: pytest.FixtureRequest
) -> None:
    """Each combination's suite passes, in a random order, with its dependencies at their
    lowest versions, on the database its rendering serves."""
    database = rendering.answers["database"]
    variables = {"PYTHONPATH": str(rendering.path / "src")}
    if database != "sqlite":
        fixture = "test_database_url" if database == "postgresql" else "mysql_database_url"
        url: URL = request.getfixturevalue(fixture)
        variables["TEST_DATABASE_URL"] = url.render_as_string(hide_password=False)
    result = subprocess.run(
        [str(lowest_python), "-m", "pytest"],
        cwd=rendering.path,
        env=child_environment(**variables),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert_suite_passed(result)
