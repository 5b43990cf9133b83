"""The isolation strategies the benchmark compares, in the order the report lists them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Strategy:
    """One way to keep tests from seeing each other's rows.

    ``fixtures`` names the module of isolation_fixtures/ whose fixtures replace the generated
    conftest's; None runs the generated conftest as it is.
    """

    number: int
    key: str
    label: str
    fixtures: str | None
    server_only: bool = False

    @property
    def folder(self) -> str:
        """The tests/ subfolder whose conftest.py puts this strategy in force."""
        return f"isolated_by_{self.key}"

    @property
    def title(self) -> str:
        return f"{self.number}. {self.label}"


TRANSACTION = Strategy(1, "transaction", "outer transaction + SAVEPOINT (the conftest)", None)
DELETE_ROWS = Strategy(2, "delete_rows", "DELETE every row", "delete_rows")
TRUNCATE = Strategy(3, "truncate", "TRUNCATE ... RESTART IDENTITY CASCADE", "truncate", True)
DROP_CREATE = Strategy(4, "drop_create", "drop_all + create_all", "drop_create")
FRESH_DATABASE = Strategy(5, "fresh_database", "a fresh database", "fresh_database")
FLOOR = Strategy(6, "floor", "floor: BEGIN and ROLLBACK only", "floor")
STRATEGIES = (TRANSACTION, DELETE_ROWS, TRUNCATE, DROP_CREATE, FRESH_DATABASE, FLOOR)


def strategies_for(on_server: bool) -> tuple[Strategy, ...]:
    """The strategies that run on SQLite (on_server False) or on PostgreSQL."""
    return tuple(strategy for strategy in STRATEGIES if on_server or not strategy.server_only)
