"""The generated suite refuses a PostgreSQL database not named for testing, before any write.

A real database is set up on the server: a table with a sentinel row. The generated suite is
pointed at it with TEST_DATABASE_URL: a name with no ``_test`` at all (a serial run), and one
with ``_test`` inside it rather than at its end (under ``pytest -n 2``). It must stop with
pytest's usage-error status and one message naming the database and the ``_test`` rule,
never print the password, and leave the database exactly as it was: same tables, same row,
no Alembic table, no per-worker clone on the server.
"""

import uuid
from collections.abc import Iterator

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

USAGE_ERROR = 4  # pytest.ExitCode.USAGE_ERROR
SENTINEL = (1, "production data: must survive")
SENTINEL_ROW = {"id": SENTINEL[0], "note": SENTINEL[1]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("guard"))


@pytest.fixture
def real_database(name_pattern: str, postgresql_server: URL) -> Iterator[URL]:
    """A database named after ``name_pattern``, holding a sentinel table and row; dropped
    afterwards."""
    name = name_pattern.format(id=uuid.uuid4().hex[:8])
    create_database(postgresql_server, name)
    database = postgresql_server.set(database=name)
    with connected(database) as connection:
        connection.execute(text("CREATE TABLE sentinel (id integer PRIMARY KEY, note text)"))
        connection.execute(text("INSERT INTO sentinel VALUES (:id, :note)"), SENTINEL_ROW)
        connection.commit()
    yield database
    drop_database(postgresql_server, name)


def tables_and_rows(database: URL) -> dict[str, list[tuple[object, ...]]]:
    """Every table in the public schema, with all its rows."""
    with connected(database) as connection:
        tables = connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).all()
        return {
            table: [tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
            for table in tables
        }


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("name_pattern", "workers"),
    [
        pytest.param("real_{id}", [], id="no-marker"),
        pytest.param("real_test_{id}", ["-n", "2"], id="marker-inside-xdist"),
    ],
)
def test_suite_refuses_a_database_without_the_test_marker(
    project: Rendering,
    postgresql_server: URL,
    name_pattern: str,
    real_database: URL,
    workers: list[str],
) -> None:
    """Usage-error exit, one message naming the database and the rule, no password shown,
    and the database's tables and rows exactly as before; no clone was made."""
    before = tables_and_rows(real_database)
    url = real_database.render_as_string(hide_password=False)

    result = run_python(project.path, "-m", "pytest", *workers, TEST_DATABASE_URL=url)

    output = result.stdout + result.stderr
    assert result.returncode == USAGE_ERROR, output
    assert f"names database {real_database.database!r}" in output
    assert "must end in '_test'" in output
    assert url not in output
    assert f":{real_database.password}@" not in output
    assert tables_and_rows(real_database) == before == {"sentinel": [SENTINEL]}
    clone_prefix = f"{real_database.database}_gw"
    assert not [name for name in database_names(postgresql_server) if name.startswith(clone_prefix)]
