"""The generated suite refuses a database not made for testing, before any write.

A real database is set up on the server (or as an SQLite file): a table with a sentinel row.
The generated suite is pointed at it with TEST_DATABASE_URL, directly (a name with no ``_test``,
or ``_test`` inside it rather than at its end) or by the detours a driver follows over the
URL's own path: psycopg's ``?dbname=`` (alone, or with ``?host=&port=`` over a dead port,
``?options=`` and ``?service=``), PyMySQL's ``?database=`` and ``?read_default_file=``, serially
and under ``pytest -n 2``; an SQLite file, named directly or through a link named ``…_test.db``.
It must stop with pytest's usage-error status and one message naming the problem, never print
the password, and leave the database exactly as it was: same tables, same row, no Alembic
table, and no test database or per-worker clone made on the server.
"""

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from tests.conftest import (
    Rendering,
    connected,
    create_database,
    database_names,
    drop_database,
    render,
    run_python,
)

USAGE_ERROR = 4  # pytest.ExitCode.USAGE_ERROR
SENTINEL = (1, "production data: must survive")
SENTINEL_ROW = {"id": SENTINEL[0], "note": SENTINEL[1]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("guard"))


def add_sentinel(database: URL) -> None:
    with connected(database) as connection:
        connection.execute(text("CREATE TABLE sentinel (id integer PRIMARY KEY, note text)"))
        connection.execute(text("INSERT INTO sentinel VALUES (:id, :note)"), SENTINEL_ROW)
        connection.commit()


@pytest.fixture
def real_database(name_pattern: str, server: str, request: pytest.FixtureRequest) -> Iterator[URL]:
    """A database named after ``name_pattern`` on ``server``'s fixture, holding a sentinel
    table and row; dropped afterwards."""
    server_url: URL = request.getfixturevalue(server)
    name = name_pattern.format(id=uuid.uuid4().hex[:8])
    create_database(server_url, name)
    database = server_url.set(database=name)
    add_sentinel(database)
    yield database
    drop_database(server_url, name)


def tables_and_rows(database: URL) -> dict[str, list[tuple[object, ...]]]:
    """Every table in the database, with all its rows."""
    with connected(database) as connection:
        quote = connection.dialect.identifier_preparer.quote
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {quote(table)}"))]
            for table in sorted(inspect(connection).get_table_names())
        }


def run_suite(project: Rendering, url: str, workers: list[str]) -> str:
    """The generated suite on ``url``: it must stop with a usage error; returns its output."""
    result = run_python(project.path, "-m", "pytest", *workers, TEST_DATABASE_URL=url)
    output = result.stdout + result.stderr
    assert result.returncode == USAGE_ERROR, output
    assert "Traceback" not in output
    assert "INTERNALERROR" not in output
    return output


def made_on_the_server(server: URL, real: URL) -> list[str]:
    """Databases named after ``real`` that the suite made: a test database, or a clone."""
    return [name for name in database_names(server) if name.startswith(f"{real.database}_")]


@pytest.mark.postgresql
@pytest.mark.parametrize("server", ["postgresql_server"])
@pytest.mark.parametrize(
    ("name_pattern", "workers"),
    [
        pytest.param("real_{id}", [], id="no-marker"),
        pytest.param("real_test_{id}", ["-n", "2"], id="marker-inside-xdist"),
    ],
)
def test_suite_refuses_a_database_without_the_test_marker(
    project: Rendering, postgresql_server: URL, real_database: URL, workers: list[str]
) -> None:
    """Usage-error exit, one message naming the database and the rule, no password shown,
    and the database's tables and rows exactly as before; no clone was made."""
    before = tables_and_rows(real_database)
    url = real_database.render_as_string(hide_password=False)

    output = run_suite(project, url, workers)

    assert f"names database {real_database.database!r}" in output
    assert "must end in '_test'" in output
    assert url not in output
    assert f":{real_database.password}@" not in output
    assert tables_and_rows(real_database) == before == {"sentinel": [SENTINEL]}
    assert made_on_the_server(postgresql_server, real_database) == []


def detour(real: URL, form: str) -> tuple[str, list[str]]:
    """A URL whose path names ``<real>_test`` while its query sends the driver to ``real``,
    the options it must be refused for, and the pytest options of the run."""
    marked = real.set(database=f"{real.database}_test")
    if form == "dbname":
        return f"{url_text(marked)}?dbname={real.database}", ["dbname"]
    if form == "host-port-dbname":
        dead_port = marked.set(port=1)
        # options= would set the search_path, service= read ~/.pg_service.conf: both refused too.
        query = (
            f"host={real.host}&port={real.port}&dbname={real.database}"
            "&options=-c%20search_path%3Dother&service=app"
        )
        return f"{url_text(dead_port)}?{query}", ["dbname", "host", "options", "port", "service"]
    # read_default_file= would read a [client] section naming another database, user or host.
    query = f"database={real.database}&read_default_file=~/.my.cnf"
    return f"{url_text(marked)}?{query}", ["database", "read_default_file"]


def url_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("server", "form", "workers"),
    [
        pytest.param("postgresql_server", "dbname", [], marks=pytest.mark.postgresql),
        pytest.param(
            "postgresql_server", "dbname", ["-n", "2"], marks=pytest.mark.postgresql, id="xdist"
        ),
        pytest.param("postgresql_server", "host-port-dbname", [], marks=pytest.mark.postgresql),
        pytest.param("mysql_server", "database", [], marks=pytest.mark.mysql),
    ],
)
@pytest.mark.parametrize("name_pattern", ["real_{id}"])
def test_suite_refuses_a_query_that_redirects_the_driver(
    project: Rendering,
    request: pytest.FixtureRequest,
    server: str,
    real_database: URL,
    form: str,
    workers: list[str],
) -> None:
    """The query's database, host and port would win over the URL's path: refused before any
    connection, naming the options; the real database keeps its tables and rows, and no test
    database or clone is made on the server."""
    url, options = detour(real_database, form)
    before = tables_and_rows(real_database)

    output = run_suite(project, url, workers)

    assert f"carries {', '.join(f'?{option}=' for option in options)}," in output
    assert f":{real_database.password}@" not in output
    assert tables_and_rows(real_database) == before == {"sentinel": [SENTINEL]}
    assert made_on_the_server(request.getfixturevalue(server), real_database) == []


@pytest.mark.parametrize("through_a_link", [False, True], ids=["file", "link"])
def test_suite_refuses_an_sqlite_file_without_the_marker(
    project: Rendering, tmp_path: Path, through_a_link: bool
) -> None:
    """The service's own SQLite file is refused, named directly or through a link named like a
    test database (SQLite would open the file it leads to), before any connection; it keeps
    its one table and its row."""
    service_file = tmp_path / "hero_service.db"
    add_sentinel(make_url(f"sqlite:///{service_file}"))
    named = service_file
    if through_a_link:
        named = tmp_path / "hero_service_test.db"
        named.symlink_to(service_file)

    output = run_suite(project, f"sqlite:///{named}", [])

    assert f"names SQLite file {str(named)!r}" in output
    if through_a_link:
        assert f"(a link to {str(service_file)!r})" in output
    assert "file name must end in '_test'" in output
    with sqlite3.connect(service_file) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert [name for (name,) in tables] == ["sentinel"]
        assert connection.execute("SELECT * FROM sentinel").fetchall() == [SENTINEL]
