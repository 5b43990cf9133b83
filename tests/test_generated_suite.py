"""The generated suites pass: in random order, twice, under xdist, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.engine import URL

from tests.conftest import (
    Rendering,
    assert_suite_passed,
    create_database,
    database_names,
    row_counts,
    run_python,
)


@pytest.mark.parametrize("seed", [1, 2])
def test_suite_passes_on_sqlite_in_random_order(rendering: Rendering, seed: int) -> None:
    """Two runs, each in its own random order, both pass."""
    assert_suite_passed(run_python(rendering.path, "-m", "pytest", f"--randomly-seed={seed}"))


def test_suite_passes_on_sqlite_with_two_workers(rendering: Rendering) -> None:
    """pytest -n 2: each worker has its own in-memory database."""
    assert_suite_passed(run_python(rendering.path, "-m", "pytest", "-n", "2"))


@pytest.mark.postgresql
def test_suite_passes_on_postgresql_and_leaves_no_database(
    rendering: Rendering, postgresql_server: URL, test_database_url: URL
) -> None:
    """Random order, then -n 2, on a real server; no PostgreSQL test is skipped; the databases
    the runs created (the test database and the per-worker clones) are all gone afterwards."""
    url = test_database_url.render_as_string(hide_password=False)
    run_prefix = (test_database_url.database or "").removesuffix("_test")

    serial = assert_suite_passed(run_python(rendering.path, "-m", "pytest", TEST_DATABASE_URL=url))
    parallel = assert_suite_passed(
        run_python(rendering.path, "-m", "pytest", "-n", "2", TEST_DATABASE_URL=url)
    )

    assert "skipped" not in serial, serial
    assert "skipped" not in parallel, parallel
    left_behind = {
        name for name in database_names(postgresql_server) if name.startswith(run_prefix)
    }
    assert left_behind == set()


@pytest.mark.postgresql
def test_existing_test_database_is_kept_with_every_table_empty(
    rendering: Rendering, postgresql_server: URL, test_database_url: URL
) -> None:
    """A test database the run found is migrated and kept, and no test row is left in it."""
    assert test_database_url.database
    create_database(postgresql_server, test_database_url.database)
    url = test_database_url.render_as_string(hide_password=False)

    assert_suite_passed(
        run_python(rendering.path, "-m", "pytest", "-n", "2", TEST_DATABASE_URL=url)
    )

    counts = row_counts(test_database_url)
    assert counts, "the run should have migrated the database it found"
    assert counts == dict.fromkeys(counts, 0)
    assert test_database_url.database in database_names(postgresql_server)
