"""Writes that escape the test's transaction are caught, named, and never reach a developer's
database.

A copy of a generated project receives one more test module, ESCAPING_TESTS: app-like code
that writes outside the test's transaction in every way issue 13 lists (a session from
``app.state.session_factory``, an engine of its own from ``Settings()``, a BackgroundTask and an
unjoined thread that open their own session, ``connection.commit()``, a session in another join
mode). Without the escape checks, each of them passes on a server and leaves its rows behind
for the next run. The generated suite must:
refuse the COMMIT and fail the ended transaction in the test that did it; on a server, fail
the run naming the table and the tests (each test with ``--check-escapes-per-test``), and
refuse the next run on the database the escapes reached, with or without pytest's cache (on
MySQL too, for a found database holding a table of its own); on SQLite, keep every escape away
from the developer's database file that ``.env`` names.
"""

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from tests.conftest import (
    Rendering,
    connected,
    create_database,
    database_names,
    drop_database,
    render,
    run_python,
)

TESTS_FAILED, USAGE_ERROR = 1, 4  # pytest.ExitCode
DEVELOPER_DATABASE = "developer.db"  # what .env points the app at, outside the tests

ESCAPING_TESTS = '''
"""App code whose writes escape the test's transaction, one route per test."""

import threading
import time

from fastapi import BackgroundTasks, Request
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

from conftest import app, sessions_joining
from hero_service.db import create_db_engine
from hero_service.settings import Settings


def insert_team(factory: sessionmaker[Session], name: str) -> None:
    with factory() as session:
        session.execute(text("INSERT INTO team (name, headquarters) VALUES (:n, 'x')"), {"n": name})
        session.commit()


@app.post("/escape/background")
def in_the_background(request: Request, tasks: BackgroundTasks) -> None:
    tasks.add_task(insert_team, request.app.state.session_factory, "background")


@app.post("/escape/thread")
def in_a_thread(request: Request) -> None:
    factory = request.app.state.session_factory
    threading.Thread(target=lambda: (time.sleep(0.1), insert_team(factory, "thread"))).start()


def test_own_session_from_the_app(client: TestClient) -> None:
    insert_team(app.state.session_factory, "app session")


def test_own_engine_from_the_settings() -> None:
    engine = create_db_engine(Settings().database_url)
    insert_team(sessionmaker(engine), "own engine")
    engine.dispose()


def test_background_task(client: TestClient) -> None:
    assert client.post("/escape/background").status_code == 200


def test_thread_committing_after_the_response(client: TestClient) -> None:
    assert client.post("/escape/thread").status_code == 200


def test_connection_commit(connection: Connection) -> None:
    connection.execute(text("INSERT INTO team (name, headquarters) VALUES ('commit', 'x')"))
    connection.commit()


def test_session_ends_the_transaction(shared_connection: Connection, transaction: object) -> None:
    with sessions_joining(shared_connection, "rollback_only")() as session:
        session.execute(text("SELECT 1"))
        session.rollback()


def test_zz_no_commit_leaked_into_this_test(connection: Connection) -> None:
    time.sleep(0.3)  # and the thread has committed
    assert connection.scalars(text("SELECT name FROM team WHERE name = 'commit'")).all() == []
'''
# Where each escape ends up on a server: committed, the refused COMMIT excepted.
ESCAPED_TEAMS = {"app session", "own engine", "background", "thread"}
# Those whose commit happens before their test ends: --check-escapes-per-test names them.
NAMED_PER_TEST = ["test_own_session_from_the_app", "test_own_engine_from_the_settings"]
NAMED_PER_TEST.append("test_background_task")


@pytest.fixture(scope="module")
def rendering(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """One sync rendering; each test runs a copy of it, with ESCAPING_TESTS and a .env."""
    return render(tmp_path_factory.mktemp("escapes"), orm="sqlalchemy")


@pytest.fixture
def project(rendering: Rendering, tmp_path: Path) -> Path:
    copy = Path(shutil.copytree(rendering.path, tmp_path / rendering.path.name))
    (copy / "tests" / "test_escaping.py").write_text(ESCAPING_TESTS.lstrip())
    (copy / ".env").write_text(f"DATABASE_URL=sqlite:///./{DEVELOPER_DATABASE}\n")
    return copy


def run_escaping_tests(project: Path, *options: str, **variables: str) -> str:
    """The escaping module alone, in file order: ``exit N`` and the run's output."""
    result = run_python(
        project,
        "-m",
        "pytest",
        "-p",
        "no:randomly",
        "-rfE",
        "tests/test_escaping.py",
        *options,
        timeout=300,
        COLUMNS="500",  # the short summary then keeps each message whole
        **variables,
    )
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}"


def outcomes(output: str) -> dict[str, str]:
    """Each test of the short summary: its FAILED and ERROR lines, with their messages. A test
    that ran last on its worker may carry end_of_run.py's teardown error too: pytest then groups
    the two teardown errors and summarises them as one ``BaseExceptionGroup`` line, so that
    line is replaced by the test's own report section, which holds both messages."""
    found: dict[str, str] = {}
    for match in re.finditer(
        r"^(?P<outcome>FAILED|ERROR) tests/test_escaping.py::(?P<test>\w+) - (?P<message>.*)$",
        output,
        re.MULTILINE,
    ):
        test, message = match["test"], match["message"]
        if message.startswith("BaseExceptionGroup"):
            message = teardown_section(output, test)
        line = f"{match['outcome']} {message}"
        found[test] = f"{found[test]} | {line}" if test in found else line
    return found


def teardown_section(output: str, test: str) -> str:
    """The body of pytest's ``ERROR at teardown of <test>`` report section."""
    section = re.search(
        rf"_ ERROR at teardown of {test} _+\n(?P<body>.*?)(?=\n_{{3,}} |\n={{3,}} )",
        output,
        re.DOTALL,
    )
    assert section, f"no teardown section for {test}:\n{output}"
    return section["body"]


def assert_refused_where_they_start(output: str) -> None:
    """connection.commit() and the session that ended the transaction fail their own test."""
    assert "CommitRefused: COMMIT refused on the test's connection" in output, output
    failed = outcomes(output)
    assert "FAILED" in failed["test_connection_commit"], output
    # Its teardown error (grouped with end_of_run.py's when it is the last test of a worker).
    assert "ERROR at teardown of test_session_ends_the_transaction" in output
    assert "Failed: the test's transaction ended before its teardown" in output
    # Its call passed (end_of_run.py may add a teardown error to the last test of a run).
    assert "FAILED" not in failed.get("test_zz_no_commit_leaked_into_this_test", "")


def test_on_sqlite_every_escape_fails_and_none_reaches_the_developers_database(
    project: Path,
) -> None:
    """In memory, app code with an engine of its own opens another, empty, database: its test
    fails (no such table) instead of writing to the file that .env names; the refused COMMIT
    leaks nothing into the next test."""
    output = run_escaping_tests(project)

    assert output.startswith(f"exit {TESTS_FAILED}"), output
    assert_refused_where_they_start(output)
    failed = outcomes(output)
    for test in NAMED_PER_TEST:
        assert "no such table: team" in failed[test], output
    assert not (project / DEVELOPER_DATABASE).exists()


@pytest.fixture
def found_database(postgresql_server: URL) -> Iterator[URL]:
    """An empty test database the suite finds rather than creates, dropped afterwards."""
    name = f"escapes_{uuid.uuid4().hex[:8]}_test"
    create_database(postgresql_server, name)
    yield postgresql_server.set(database=name)
    drop_database(postgresql_server, name)


def committed_teams(database: URL) -> set[str]:
    with connected(database) as connection:
        return set(connection.scalars(text("SELECT name FROM team")))


@pytest.mark.postgresql
def test_on_postgresql_escapes_fail_the_run_and_the_next_run_refuses_the_database(
    project: Path, found_database: URL
) -> None:
    """The run fails naming the table and every test that ran on the database; the escaped
    rows are there, the refused COMMIT's is not, and nothing reached .env's database. The next
    run, from a fresh checkout (no pytest cache), stops before its first test, naming the table
    and how to reset, and leaves no scratch database behind."""
    url = found_database.render_as_string(hide_password=False)

    first = run_escaping_tests(project, TEST_DATABASE_URL=url)
    shutil.rmtree(project / ".pytest_cache")
    second = run_escaping_tests(project, TEST_DATABASE_URL=url)

    assert first.startswith(f"exit {TESTS_FAILED}"), first
    assert_refused_where_they_start(first)
    assert f"committed in database {found_database.database!r}" in first, first
    assert "tables team, by one of these 7 tests" in first, first
    assert "    tests/test_escaping.py::test_thread_committing_after_the_response" in first
    assert committed_teams(found_database) == ESCAPED_TEAMS
    assert not (project / DEVELOPER_DATABASE).exists()
    assert second.startswith(f"exit {USAGE_ERROR}"), second
    assert "holds rows the migrations did not put there, in tables team" in second, second
    assert "drop that database" in second
    stem = str(found_database.database).removesuffix("_test")
    assert [name for name in database_names(found_database) if stem in name] == [stem + "_test"]


@pytest.mark.mysql
def test_on_mysql_each_worker_names_its_escapes_per_test(project: Path, mysql_server: URL) -> None:
    """Under pytest -n 2 with --check-escapes-per-test (the thread aside): each escape that
    commits before its test ends fails that test, naming the table; the run fails naming each
    worker's clone; the run's own database and clones are gone afterwards."""
    name = f"escapes_{uuid.uuid4().hex[:8]}_test"
    url = mysql_server.set(database=name).render_as_string(hide_password=False)

    # Without the thread: its commit lands during whichever test runs next on its worker.
    output = run_escaping_tests(
        project, "-n", "2", "--check-escapes-per-test", "-k", "not thread", TEST_DATABASE_URL=url
    )

    assert output.startswith(f"exit {TESTS_FAILED}"), output
    assert_refused_where_they_start(output)
    failed = outcomes(output)
    for test in NAMED_PER_TEST:
        assert "escaped its transaction into database" in failed[test], output
        assert "tables team" in failed[test], output
    stem = name.removesuffix("_test")
    assert re.search(rf"committed in database '{stem}_\w+_test'", output), output
    assert not [database for database in database_names(mysql_server) if stem in database]


@pytest.mark.mysql
def test_on_mysql_a_found_database_holding_rows_of_its_own_is_refused(
    project: Rendering, mysql_server: URL
) -> None:
    """A found database with a table and row no migration made (no pytest cache either): the
    run stops before its first test, naming that table; the scratch database the check
    migrated is gone, and the found database is left as it was."""
    name = f"escapes_{uuid.uuid4().hex[:8]}_test"
    create_database(mysql_server, name)
    found = mysql_server.set(database=name)
    try:
        with connected(found) as connection:
            connection.execute(text("CREATE TABLE leftover (id integer PRIMARY KEY)"))
            connection.execute(text("INSERT INTO leftover VALUES (1)"))
            connection.commit()

        output = run_escaping_tests(
            project, "-k", "zz", TEST_DATABASE_URL=found.render_as_string(hide_password=False)
        )
        on_the_server = [
            database for database in database_names(mysql_server) if name[:17] in database
        ]
    finally:
        drop_database(mysql_server, name)

    assert output.startswith(f"exit {USAGE_ERROR}"), output
    assert f"database {name!r}" in output
    assert "holds rows the migrations did not put there, in tables leftover:" in output, output
    assert on_the_server == [name]
