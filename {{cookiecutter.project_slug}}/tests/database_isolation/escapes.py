"""Writes that escape the test's transaction: refused where they start, found where they land.

A pytest plugin (conftest.py lists it in ``pytest_plugins``):

    COMMIT on the test's connection     refused: the test fails, the COMMIT is never sent
    a test transaction ended early      (a session in another join mode) fails that test
    any other escape                    the app's own engine, a BackgroundTask or a thread with
                                        a session of its own: on a server it commits for real.
                                        At the end of the run a separate connection compares
                                        every table with what it held after the migrations,
                                        and the run fails naming the tables and the tests
    pytest --check-escapes-per-test     the same comparison after every test, naming the test
    at the start of a run               a database the suite found must hold no more rows
                                        than the migrations put in a scratch database this
                                        run creates, migrates and drops

On in-memory SQLite no other connection can see the test's database: there the refused COMMIT
is the whole guard, and the app's own engine opens another, empty, database (`no such table`).
"""

import os
from collections.abc import Callable, Iterator
from hashlib import sha256
from typing import Any, TypedDict

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL

from database_isolation import end_of_run
from database_isolation.engine_guard import GUARD
from database_isolation.guard import where
from database_isolation.servers import (
    CREATED_DATABASE,
    MIGRATION,
    RUN,
    create_database,
    drop_database_if_exists,
    migrate_database,
    role_and_createdb,
    server_connection,
    sync_driver,
    test_database_url,
    worker_database,
)
from database_isolation.sql_watching import events_of

PER_TEST = "--check-escapes-per-test"
REAL_COMMITS_ALLOWED = "real_commits_allowed"  # keys of the test connection's info dict
COMMIT_REFUSED = "commit_refused"
RESET = "drop that database (the next run creates and migrates it afresh)"

Fingerprints = dict[str, str]
RowCounts = dict[str, int]


class Escaped(TypedDict):
    """Escaped writes found in one database (a dict, so that xdist can send it on)."""

    database: str
    tables: list[str]
    tests: list[str]


ESCAPED = pytest.StashKey[list[Escaped]]()  # what this process (and its workers) found
MIGRATED = pytest.StashKey[Fingerprints]()  # the run's database right after its migrations
WATCHED = pytest.StashKey[str]()  # the database this process's tests ran on
TESTS_RUN = pytest.StashKey[list[str]]()


class CommitRefused(RuntimeError):
    """A COMMIT on the test's connection, which would make the test's writes permanent."""


# ---- Where escapes start: the test's own connection ----------------------------------------


def refuse_commits_on(connection: Any) -> None:
    """Fail any COMMIT on the test's connection, before it reaches the database."""
    event.listen(events_of(connection), "commit", refuse_commit)


def refuse_commit(connection: Connection) -> None:
    """A "commit" listener: SQLAlchemy calls it before sending COMMIT, and sends nothing when
    it raises. The database's transaction is rolled back first, so no later test sees it."""
    if connection.info.get(REAL_COMMITS_ALLOWED):
        return
    connection.engine.dialect.do_rollback(connection.connection)
    connection.info[COMMIT_REFUSED] = True
    raise CommitRefused(
        "COMMIT refused on the test's connection: it would make the test's writes permanent "
        "(on a server, for every later run; on in-memory SQLite, for every later test). Let the "
        "test's transaction end at teardown, or join sessions with "
        'join_transaction_mode="create_savepoint", whose commit() only releases a SAVEPOINT.'
    )


def fail_if_ended_early(connection: Any, ended_early: bool) -> None:
    """Fail the test whose transaction was over before its teardown rolled it back."""
    info = events_of(connection).info
    if info.pop(COMMIT_REFUSED, False) or info.get(REAL_COMMITS_ALLOWED) or not ended_early:
        return  # a refused COMMIT has already failed the test, with its own message
    pytest.fail(
        "the test's transaction ended before its teardown: a session joined with another "
        'join_transaction_mode than "create_savepoint" (or a rollback() on the test\'s '
        "connection) ended it, and whatever ran after it ran outside it.",
        pytrace=False,
    )


@pytest.fixture
def real_commits_allowed(shared_connection: Any) -> Iterator[None]:
    """For demonstrations only: COMMIT on the test's connection is sent, and a transaction
    ended early is not a failure. The test must delete what it committed."""
    info = events_of(shared_connection).info
    info[REAL_COMMITS_ALLOWED] = True
    yield
    del info[REAL_COMMITS_ALLOWED]


# ---- Where escapes land: the database, seen from a separate connection -----------------------


def fingerprints(url: URL) -> Fingerprints:
    """Every table's rows as one digest each, read on a connection of its own: equal digests,
    equal contents."""
    engine = create_engine(sync_driver(url))
    try:
        return fingerprints_on(engine)
    finally:
        engine.dispose()


def fingerprints_on(engine: Engine, tables: list[str] | None = None) -> Fingerprints:
    """``tables`` (every table, when None) as digests of their rows."""
    with engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        return {
            table: digest(connection.execute(text(f"SELECT * FROM {quote(table)}")))
            for table in tables or inspect(connection).get_table_names()
        }


def digest(rows: Any) -> str:
    return sha256(repr(sorted(repr(tuple(row)) for row in rows)).encode()).hexdigest()


def changed_tables(before: Fingerprints, after: Fingerprints) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )


def on_a_server(url: URL) -> bool:
    """In-memory SQLite has no second connection to look from."""
    return url.get_backend_name() != "sqlite"


class Watch:
    """One database this process's tests ran on: what it held after the migrations, what it
    held when a test last ended, and the tests that ran."""

    def __init__(self, url: URL, tests: list[str]) -> None:
        self.url = url
        # Its own pool: a check per test reuses one connection (which still sees each commit,
        # as every check begins a new transaction).
        self.engine = create_engine(sync_driver(url))
        self.migrated = self.last_seen = fingerprints_on(self.engine)
        self.tests = tests

    def changed_since_last_test(self) -> list[str]:
        # The tables the migrations made, not asked for again (a third of the check's time):
        # a table an escape creates is found by the end-of-run check, which asks.
        now = fingerprints_on(self.engine, list(self.migrated))
        changed, self.last_seen = changed_tables(self.last_seen, now), now
        return changed

    def escaped(self) -> Escaped | None:
        changed = changed_tables(self.migrated, fingerprints_on(self.engine))
        if not changed:
            return None
        return Escaped(database=where(self.url), tables=changed, tests=list(self.tests))


@pytest.fixture(scope="session", autouse=True)
def escape_watch(request: pytest.FixtureRequest, database_url: URL) -> Iterator[Watch | None]:
    """This process's database, watched from the first test to the last (on a server)."""
    if not on_a_server(database_url):
        yield None
        return
    watch = Watch(database_url, tests_run(request.config))
    request.config.stash[WATCHED] = where(database_url)
    yield watch
    # Here, before the per-worker database is dropped, not at the end of the session.
    escaped = watch.escaped()
    watch.engine.dispose()
    if escaped:
        escaped_in(request.config).append(escaped)


class ChecksPerTest:
    """Registered as a plugin with --check-escapes-per-test only: without it, a test costs
    nothing more than one hook call."""

    @pytest.fixture(autouse=True)
    def escapes_of_this_test(self, escape_watch: Watch | None) -> Iterator[None]:
        """Set up before the test's transaction, so torn down after its ROLLBACK."""
        yield
        if escape_watch is None:
            return
        changed = escape_watch.changed_since_last_test()
        if changed:
            pytest.fail(
                f"this test's writes escaped its transaction into {where(escape_watch.url)}"
                f", tables {', '.join(changed)}: they are committed there.",
                pytrace=False,
            )


def escaped_in(config: pytest.Config) -> list[Escaped]:
    return config.stash.setdefault(ESCAPED, [])


def tests_run(config: pytest.Config) -> list[str]:
    return config.stash.setdefault(TESTS_RUN, [])


# ---- Hooks: the start and the end of the run ----------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        PER_TEST,
        action="store_true",
        help="after every test, look for writes that escaped its transaction (names the test)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption(PER_TEST):
        config.pluginmanager.register(ChecksPerTest(), "database_isolation.escapes.per_test")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The tests that ran in this process, for the report of what escaped."""
    tests_run(item.config).append(item.nodeid)


@pytest.hookimpl(trylast=True)  # after conftest.py's pytest_sessionstart has migrated
def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse a database the run found holding rows that the migrations did not put there."""
    config, url = session.config, test_database_url()
    if not on_a_server(url) or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    config.stash[MIGRATED] = fingerprints(url)
    if config.stash.get(CREATED_DATABASE, False):
        return  # created and migrated by this run: it holds what the migrations put there
    if not may_create_a_scratch_database(url):
        report(
            config,
            f"{where(url)} was found, not created, and is not checked for rows left by an "
            "earlier run: the role may not create the scratch database to compare it with "
            "(CREATEDB); the end of the run still checks this run's writes",
        )
        return
    migrated_alone = rows_the_migrations_put(url, config.stash[RUN], config.stash[MIGRATION])
    found = row_counts(url)
    extra = sorted(name for name, rows in found.items() if rows > migrated_alone.get(name, 0))
    if extra:
        raise pytest.UsageError(
            f"{where(url)} holds rows the migrations did not put there, in tables "
            f"{', '.join(extra)}: writes that escaped an earlier run's tests. To reset, {RESET}."
        )


def may_create_a_scratch_database(url: URL) -> bool:
    if url.get_backend_name() != "postgresql":
        return True  # MySQL: the suite's role needs CREATE on its databases anyway
    with server_connection(url) as server:
        return role_and_createdb(server)[1]


def report(config: pytest.Config, line: str) -> None:
    """One line in pytest's output, before the tests'."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(line)


def rows_the_migrations_put(url: URL, run: str, migrate: Callable[[Connection], None]) -> RowCounts:
    """Each table's rows in a scratch database this run creates, migrates and drops: what the
    migrations (data migrations and the seed included) put there, whoever ran them. Rows are
    counted, not compared, since a data migration may write the time or a random id."""
    # Named like this run's clones: a killed run's scratch database is reclaimed as they are.
    scratch = worker_database(url, "gw", run)
    with server_connection(url) as server:
        create_database(server, str(scratch.database), run)
        GUARD.allow_all = True  # engine_guard admits only the test database: this is the suite's
        try:
            migrate_database(scratch, migrate)
            return row_counts(scratch)
        except Exception as error:
            reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
            raise pytest.UsageError(
                f"the migrations failed on an empty scratch copy of {where(url)}, made to check "
                f"that it holds nothing else: {reason}. Fix the migration."
            ) from None
        finally:
            GUARD.allow_all = False
            drop_database_if_exists(server, str(scratch.database), force=True)


def row_counts(url: URL) -> RowCounts:
    engine = create_engine(sync_driver(url))
    try:
        with engine.connect() as connection:
            return end_of_run.row_counts(connection)
    finally:
        engine.dispose()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On the xdist controller: collect what each worker found in its own database."""
    escaped_in(node.config).extend(getattr(node, "workeroutput", {}).get("escaped", []))


@pytest.hookimpl(tryfirst=True)  # before servers.py drops a database the run created
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when escaped writes reached a database; a worker reports to the controller."""
    config, escaped = session.config, escaped_in(session.config)
    url = test_database_url()
    if MIGRATED in config.stash and config.stash.get(WATCHED, None) != where(url):
        # The xdist workers ran on clones: the database they were cloned from must not change.
        changed = changed_tables(config.stash[MIGRATED], fingerprints(url))
        if changed:
            escaped.append(Escaped(database=where(url), tables=changed, tests=[]))
    if hasattr(config, "workeroutput"):
        config.workeroutput["escaped"] = escaped
    elif escaped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Each database escaped writes reached: its tables, and the tests that may have sent them."""
    escaped = escaped_in(config)
    if not escaped:
        return
    terminalreporter.section("writes that escaped the tests' transactions", red=True)
    for found in escaped:
        place = f"{found['database']}, tables {', '.join(found['tables'])}"
        if not found["tests"]:
            # The workers ran on clones: something used TEST_DATABASE_URL's database itself.
            terminalreporter.line(f"ERROR: writes are committed in {place}", red=True)
            continue
        terminalreporter.line(
            f"ERROR: writes that escaped the tests' transactions are committed in {place}, "
            f"by one of these {len(found['tests'])} tests ({PER_TEST} names it):",
            red=True,
        )
        for test in found["tests"]:
            terminalreporter.line(f"    {test}")
    terminalreporter.line(
        "A database this run created is dropped; a database it found keeps those rows: "
        f"{RESET}. docs/testing.md (Pitfalls) says what to do instead."
    )
