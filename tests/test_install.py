"""A generated project installs from its own pyproject.toml alone, its commands with it."""

import shutil
import subprocess

import pytest

from tests.conftest import Rendering, assert_suite_passed, child_environment, render
from tests.served import package_name


@pytest.fixture(scope="module")
def default_rendering(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("install"))


def test_uv_sync_installs_everything_the_suite_needs(default_rendering: Rendering) -> None:
    """`uv sync` in a fresh virtual environment, then `uv run pytest`: the suite passes."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH: install it with `pip install uv`")
    project = default_rendering.path
    environment = child_environment(UV_PROJECT_ENVIRONMENT=str(project / ".venv"))
    environment.pop("VIRTUAL_ENV", None)

    sync = subprocess.run(
        [uv, "sync", "--quiet"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert sync.returncode == 0, sync.stderr
    tests = subprocess.run(
        [uv, "run", "--no-sync", "pytest"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert_suite_passed(tests)
    # The README's seed command as a user runs it: the console script `uv sync` installed.
    development = {**environment, "DATABASE_URL": f"sqlite:///{project / 'development.db'}"}
    for command in (["alembic", "upgrade", "head"], [f"{package_name(default_rendering)}-seed"]):
        run = subprocess.run(
            [uv, "run", "--no-sync", *command],
            cwd=project,
            env=development,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(": team: 5, hero: 23\n"), run.stdout
