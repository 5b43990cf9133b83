"""Watching the SQL: what reaches the database, and which boundary each commit ends.

A pytest plugin (conftest.py lists it in ``pytest_plugins``) that adds

    sent_sql          every statement the test sends on its connection, BEGIN to ROLLBACK
    count_queries     ``with count_queries() as queries:`` to assert on a block's query count
    pytest --sql-log  after the run, each test's transaction statements

It works on the test's connection, sync or async, whatever sent the SQL (test, app, factory).
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Connection, event

TRANSACTION_STATEMENTS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
SQL_LOG = "sql_log"  # the user property that carries a test's log to the terminal summary


def is_transaction_statement(statement: str) -> bool:
    """BEGIN, COMMIT, ROLLBACK, and SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT."""
    return statement.startswith(TRANSACTION_STATEMENTS)


def is_query(statement: str) -> bool:
    return not is_transaction_statement(statement)


def events_of(connection: Any) -> Connection:
    """The sync Connection behind ``connection``: SQLAlchemy fires an AsyncConnection's events
    on the Connection it drives."""
    sync_connection = getattr(connection, "sync_connection", connection)
    assert isinstance(sync_connection, Connection), "the connection has not started"
    return sync_connection


@contextmanager
def recording_sql(
    connection: Any, keep: Callable[[str], bool] = lambda _statement: True
) -> Iterator[list[str]]:
    """The statements sent on ``connection`` while the block runs, each BEGIN, COMMIT and
    ROLLBACK in its place; only those ``keep`` accepts."""
    sent: list[str] = []

    def record(statement: str) -> None:
        if keep(statement):
            sent.append(statement)

    def record_statement(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        # The SQLite workaround sends its BEGIN as a statement; the "begin" event records it.
        if statement != "BEGIN":
            record(statement)

    # A server's driver sends BEGIN, COMMIT and ROLLBACK itself: only these events show them.
    listeners: dict[str, Any] = {
        "before_cursor_execute": record_statement,
        "begin": lambda _conn: record("BEGIN"),
        "commit": lambda _conn: record("COMMIT"),
        "rollback": lambda _conn: record("ROLLBACK"),
    }
    target = events_of(connection)
    for name, listener in listeners.items():
        event.listen(target, name, listener)
    try:
        yield sent
    finally:
        for name, listener in listeners.items():
            event.remove(target, name, listener)


@pytest.fixture
def sent_sql(connection: Any) -> Iterator[list[str]]:
    """Every statement this test sends on its connection, with each BEGIN, COMMIT and ROLLBACK."""
    with recording_sql(connection) as sent:
        yield sent


@pytest.fixture
def count_queries(connection: Any) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with count_queries() as queries:`` lists the queries the block sends (transaction
    statements aside), app and test alike: assert on len(queries) to catch an N+1."""
    return partial(recording_sql, connection, keep=is_query)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sql-log",
        action="store_true",
        help="after the run, list each test's transaction statements, from BEGIN to ROLLBACK",
    )


@pytest.fixture(autouse=True)
def sql_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --sql-log, record the transaction statements of each test that has a transaction.

    Autouse fixtures are set up first and torn down last, so the log spans the test's BEGIN
    and the ROLLBACK that ends it.
    """
    if not request.config.getoption("sql_log") or "transaction" not in request.fixturenames:
        yield
        return
    connection = request.getfixturevalue("shared_connection")
    with recording_sql(connection, keep=is_transaction_statement) as statements:
        yield
    request.node.user_properties.append((SQL_LOG, statements))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """--sql-log: print each test's log (also from xdist workers, whose reports carry it)."""
    logs = [
        (report.nodeid, statements)
        for reports in terminalreporter.stats.values()
        for report in reports
        if isinstance(report, pytest.TestReport) and report.when == "teardown"
        for name, statements in report.user_properties
        if name == SQL_LOG and isinstance(statements, list)
    ]
    if logs:
        terminalreporter.section("transaction statements per test (--sql-log)")
    for nodeid, statements in logs:
        terminalreporter.write_line(nodeid)
        for statement in statements:
            terminalreporter.write_line(f"    {statement}")
