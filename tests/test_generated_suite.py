"""The generated suites pass: in random order, twice, under xdist, on SQLite, PostgreSQL and
MySQL, and leave nothing behind on the servers.

Every orm and api pair's suite runs under xdist on SQLite (the SQLite renderings, whose suites
run serially at the lowest versions in tests/test_lowest_versions.py; the default rendering's
runs serially here too, twice), and on each server in the four renderings whose ``database``
answer names it (``combinations_on``): on PostgreSQL 15 (serially or under xdist), and on
MariaDB under xdist (serially at the lowest versions). That answer changes a project's default
URL, dependencies and docs, not a line of its tests; but every README offers
`pytest --postgresql`, so every rendering's suite runs on the embedded PostgreSQL 18 too,
serially and under xdist, which also proves its dependencies hold what that needs.
"""

from pathlib import Path
from subprocess import CompletedProcess

import pytest
from sqlalchemy.engine import URL

from tests.conftest import (
    COMBINATIONS,
    Rendering,
    assert_suite_passed,
    combination_id,
    combinations_on,
    create_database,
    database_names,
    row_counts,
    run_python,
)
from tests.embedded_server import run_pytest, server_folders, server_processes


def test_default_suite_passes_twice_in_other_orders(default_rendering: Rendering) -> None:
    """Run twice more, each in another random order: both pass, so no test needs another."""
    for seed in (2, 3):
        assert_suite_passed(
            run_python(default_rendering.path, "-m", "pytest", f"--randomly-seed={seed}")
        )


@pytest.mark.parametrize("rendering", combinations_on("sqlite"), ids=combination_id, indirect=True)
def test_suite_passes_on_sqlite_with_two_workers(rendering: Rendering, tmp_path: Path) -> None:
    """pytest -n 2, in a random order: each worker has its own in-memory database. With
    ``--cov``, as the generated CI's SQLite job runs it: the suite covers at least the
    ``fail_under`` of its pyproject (the orm and api answers, one pair per rendering here, are
    the ones that change what it covers)."""
    # The coverage data goes outside the rendering, which other tests read file by file.
    coverage_file = str(tmp_path / ".coverage")
    assert_suite_passed(
        run_python(
            rendering.path,
            "-m",
            "pytest",
            "-n",
            "2",
            "--randomly-seed=1",
            "--cov",
            COVERAGE_FILE=coverage_file,
        )
    )


# Each orm and api pair runs on PostgreSQL 15, the oldest supported server (which .ci/run
# starts): serially for one sync and one async pair, under -n 2 for the others.
ON_15_RUN = ["-n 2", "-n 2", "serial", "serial"]
POSTGRESQL_15_RUNS = list(zip(combinations_on("postgresql"), ON_15_RUN, strict=True))
NOT_MYSQL = ("-m", "not mysql")  # the MySQL-only tests would be skipped on PostgreSQL
WORKERS = {"serial": (), "-n 2": ("-n", "2")}


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("rendering", "on_15_run"),
    POSTGRESQL_15_RUNS,
    ids=[f"{combination_id(answers)}-{run}" for answers, run in POSTGRESQL_15_RUNS],
    indirect=["rendering"],
)
def test_suite_passes_on_postgresql_15_and_leaves_no_database(
    rendering: Rendering, on_15_run: str, postgresql_server: URL, test_database_url: URL
) -> None:
    """No test is skipped, and the databases the run created (the test database, the
    per-worker clones) are gone afterwards."""
    url = test_database_url.render_as_string(hide_password=False)
    run_prefix = (test_database_url.database or "").removesuffix("_test")

    run = run_python(
        rendering.path, "-m", "pytest", *NOT_MYSQL, *WORKERS[on_15_run], TEST_DATABASE_URL=url
    )

    summary = assert_suite_passed(run)
    assert "skipped" not in summary, summary
    left_behind = {
        name for name in database_names(postgresql_server) if name.startswith(run_prefix)
    }
    assert left_behind == set()


@pytest.mark.parametrize("rendering", COMBINATIONS, ids=combination_id, indirect=True)
def test_suite_passes_on_embedded_postgresql_serially_and_with_two_workers(
    rendering: Rendering, temporary_folder: Path
) -> None:
    """`pytest --postgresql` is in every README: with no PostgreSQL installed as far as the run
    can see, every PostgreSQL test runs and passes on the embedded 18, serially and under -n 2,
    and each run leaves no server folder and no server process behind."""
    for workers in WORKERS.values():
        run = run_pytest(rendering, temporary_folder, "--postgresql", *NOT_MYSQL, *workers)

        assert_passed_on_embedded_postgresql_leaving_nothing(run, temporary_folder)


def assert_passed_on_embedded_postgresql_leaving_nothing(
    run: CompletedProcess[str], temporary_folder: Path
) -> None:
    """No test failed or was skipped, and the server's folder and processes are gone."""
    summary = assert_suite_passed(run)
    assert "skipped" not in summary, summary
    assert "embedded PostgreSQL 18 started in" in run.stdout
    assert server_folders(temporary_folder) == []
    assert server_processes(temporary_folder) == []


@pytest.mark.postgresql
def test_existing_test_database_is_kept_with_every_table_empty(
    default_rendering: Rendering, postgresql_server: URL, default_test_database_url: URL
) -> None:
    """A test database the run found is migrated and kept, and no test row is left in it."""
    test_database_url = default_test_database_url
    assert test_database_url.database
    create_database(postgresql_server, test_database_url.database)
    url = test_database_url.render_as_string(hide_password=False)

    assert_suite_passed(
        run_python(default_rendering.path, "-m", "pytest", "-n", "2", TEST_DATABASE_URL=url)
    )

    counts = row_counts(test_database_url)
    assert counts, "the run should have migrated the database it found"
    assert counts == dict.fromkeys(counts, 0)
    assert test_database_url.database in database_names(postgresql_server)


@pytest.mark.mysql
@pytest.mark.parametrize("rendering", combinations_on("mysql"), ids=combination_id, indirect=True)
def test_suite_passes_on_mysql_and_leaves_every_table_empty(
    rendering: Rendering, mysql_server: URL, mysql_database_url: URL
) -> None:
    """-n 2 in a random order on MySQL/MariaDB, nothing skipped (the serial runs on MariaDB are
    tests/test_lowest_versions.py's); afterwards the test database (made beforehand, so kept)
    has every table empty and no worker copy is left."""
    name = str(mysql_database_url.database)
    create_database(mysql_server, name)
    url = mysql_database_url.render_as_string(hide_password=False)

    parallel = assert_suite_passed(
        run_python(rendering.path, "-m", "pytest", "-n", "2", TEST_DATABASE_URL=url)
    )

    assert "skipped" not in parallel, parallel
    counts = row_counts(mysql_database_url)
    assert counts, "the run should have migrated the database it found"
    assert counts == dict.fromkeys(counts, 0)
    run_prefix = name.removesuffix("_test")
    assert {db for db in database_names(mysql_server) if db.startswith(run_prefix)} == {name}
