"""SQLite's share of the machinery: SAVEPOINTs that really nest, and foreign keys enforced."""

from typing import Any

from sqlalchemy import Connection, Engine, event


def use_savepoints(engine: Engine) -> None:
    """SQLAlchemy's documented workaround for pysqlite's own transaction handling.

    Python's sqlite3 driver opens transactions late (before the first INSERT) and on its own
    terms, so a SAVEPOINT sent before that opens a transaction of its own, and RELEASE of it
    commits for real: every "isolated" commit would leak. Switch the driver's handling off and
    let SQLAlchemy emit BEGIN itself.
    """

    @event.listens_for(engine, "connect")
    def leave_transactions_to_sqlalchemy(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # Not part of the workaround, but SQLite too: it ignores foreign keys unless asked, and
        # a test that passes here must pass on a server, which always enforces them.
        dbapi_connection.cursor().execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def emit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")
