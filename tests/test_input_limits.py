"""Input limits and error bodies of a generated service served by uvicorn, on SQLite and on
PostgreSQL, each migrated to head with Alembic.

Proves: page size is capped; every string field documents the same maximum length as its
database column, a value of exactly that many characters (4-byte ones) is stored intact and one
character more is a 422 that stores nothing; integers beyond what the database can hold are
4xx, never 5xx; and no error body (404, 409, 422, or the 500 of an unexpected exception) shows
SQL, driver or library names, tracebacks or connection details, while the server log keeps the
details of the 500.
"""

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from tests.conftest import Rendering, connected, render
from tests.served import http_client, migrate, service_database, uvicorn_server, wait_until

LEAKS = re.compile(
    r"select |insert |update |delete |sqlalchemy|psycopg|sqlite|error\)|traceback|"
    r'file "|connection to server|127\.0\.0\.1|:\d{4,5}/|password',
    re.IGNORECASE,
)
WIDE = "🦸"  # four bytes in UTF-8, one character


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("limits"))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def database(
    request: pytest.FixtureRequest, project: Rendering, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    """A migrated service database: a SQLite file, or a new database on the server."""
    if request.param == "sqlite":
        url = make_url(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'service.db'}")
        migrate(project, url)
        yield url
        return
    server: URL = request.getfixturevalue("postgresql_server")
    with service_database(server, "limits") as url:
        migrate(project, url)
        yield url


@pytest.fixture(scope="module")
def served(
    project: Rendering, database: URL, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx2.Client, Path]]:
    """A client of the service under uvicorn, and the server's log."""
    log = tmp_path_factory.mktemp("log") / "uvicorn.log"
    url = database.render_as_string(hide_password=False)
    with (
        uvicorn_server(project, log, DATABASE_URL=url) as base_url,
        http_client(base_url) as client,
    ):
        yield client, log


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def assert_no_leak(response: httpx2.Response) -> None:
    assert not LEAKS.search(response.text), response.text


def test_page_size_is_capped(served: tuple[httpx2.Client, Path], database: URL) -> None:
    """More than 100 rows: limit=101 is a 422, limit=100 gives 100 rows, no limit gives 20."""
    client, _log = served
    with connected(database) as connection:
        rows = [{"name": unique("T"), "headquarters": "HQ"} for _ in range(105)]
        connection.execute(
            text("INSERT INTO team (name, headquarters) VALUES (:name, :headquarters)"), rows
        )
        connection.commit()

    too_many = client.get("/teams", params={"limit": 101})

    assert too_many.status_code == 422
    assert_no_leak(too_many)
    assert len(client.get("/teams", params={"limit": 100}).json()) == 100
    assert len(client.get("/teams").json()) == 20


def string_limits(client: httpx2.Client, schema: str) -> dict[str, int]:
    """maxLength of every string field of an OpenAPI component schema."""
    properties = client.get("/openapi.json").json()["components"]["schemas"][schema]["properties"]
    return {
        field: spec["maxLength"]
        for field, spec in properties.items()
        if spec.get("type") == "string"
    }


@pytest.mark.parametrize(
    ("path", "schema", "table", "body"),
    [
        ("/teams", "TeamCreate", "team", {"name": "", "headquarters": ""}),
        ("/heroes", "HeroCreate", "hero", {"name": "", "secret_name": ""}),
    ],
)
def test_strings_fit_their_columns(
    served: tuple[httpx2.Client, Path],
    database: URL,
    path: str,
    schema: str,
    table: str,
    body: dict[str, str],
) -> None:
    """Each string field's maxLength is its column's length; that many 4-byte characters
    are stored intact, one more is a 422 that stores nothing."""
    client, _log = served
    limits = string_limits(client, schema)
    assert set(limits) == set(body)
    if database.get_backend_name() == "postgresql":
        assert limits == column_lengths(database, table)

    for field, limit in limits.items():
        fits = {**{key: unique(key) for key in body}, field: WIDE * limit}
        too_long = {**fits, "name": unique("too long")} | {field: WIDE * (limit + 1)}

        created = client.post(path, json=fits)
        rejected = client.post(path, json=too_long)

        assert created.status_code == 201, created.text
        assert client.get(f"{path}/{created.json()['id']}").json()[field] == WIDE * limit
        assert rejected.status_code == 422
        assert_no_leak(rejected)
        assert rows_named(database, table, too_long["name"]) == 0


def rows_named(database: URL, table: str, name: str) -> int:
    with connected(database) as connection:
        query = text(f'SELECT count(*) FROM "{table}" WHERE name = :name')
        return connection.scalar(query, {"name": name}) or 0


def column_lengths(database: URL, table: str) -> dict[str, int]:
    """character_maximum_length of every varchar column of ``table``."""
    with connected(database) as connection:
        rows = connection.execute(
            text(
                "SELECT column_name, character_maximum_length FROM information_schema.columns"
                " WHERE table_name = :table AND character_maximum_length IS NOT NULL"
            ),
            {"table": table},
        )
        return {name: length for name, length in rows}


HUGE = [2**31, 2**63, 2**70]


@pytest.mark.parametrize("number", HUGE)
def test_integers_beyond_the_database_are_4xx(
    served: tuple[httpx2.Client, Path], number: int
) -> None:
    """Ids in paths and pagination offsets beyond the INTEGER range answer 404 or 422."""
    client, _log = served
    team = client.post("/teams", json={"name": unique("T"), "headquarters": "HQ"}).json()
    requests = [
        ("GET", f"/teams/{number}", None),
        ("PATCH", f"/heroes/{number}", {"age": 1}),
        ("DELETE", f"/teams/{number}", None),
        ("GET", f"/heroes?offset={number}", None),
        ("PATCH", f"/teams/{team['id']}", {"name": unique("T")}),
    ]
    for method, path, body in requests:
        response = client.request(method, path, json=body)
        assert response.status_code in {200, 404, 422}, (method, path, response.text)
        assert_no_leak(response)


@pytest.mark.parametrize("number", HUGE)
def test_team_ids_in_bodies_beyond_the_database_are_4xx(
    served: tuple[httpx2.Client, Path], number: int
) -> None:
    """A hero naming a team id beyond the INTEGER range is a 4xx, on create and on update."""
    client, _log = served
    hero = client.post("/heroes", json={"name": unique("H"), "secret_name": "S"}).json()

    created = client.post(
        "/heroes", json={"name": unique("H"), "secret_name": "S", "team_id": number}
    )
    updated = client.patch(f"/heroes/{hero['id']}", json={"team_id": number})

    assert (created.status_code, updated.status_code) == (422, 422), created.text
    assert_no_leak(created)


def test_error_bodies_show_no_internals(served: tuple[httpx2.Client, Path]) -> None:
    """404, 409 and 422 bodies are short sentences or field lists: nothing internal."""
    client, _log = served
    team = {"name": unique("T"), "headquarters": "HQ"}
    client.post("/teams", json=team)
    responses = {
        404: client.get("/teams/2147483647"),
        409: client.post("/teams", json=team),
        422: client.post("/heroes", json={"name": None, "secret_name": 3, "age": -1}),
    }
    for status, response in responses.items():
        assert response.status_code == status
        assert_no_leak(response)


def test_unexpected_exception_is_a_generic_500(
    served: tuple[httpx2.Client, Path], database: URL
) -> None:
    """The hero table renamed behind the app's back: GET /heroes is a 500 whose body says
    nothing about the table, the SQL or the driver; the log has the traceback."""
    client, log = served
    with connected(database) as connection:
        connection.execute(text("ALTER TABLE hero RENAME TO hero_gone"))
        connection.commit()
        try:
            response = client.get("/heroes")
        finally:
            connection.execute(text("ALTER TABLE hero_gone RENAME TO hero"))
            connection.commit()

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Internal Server Error",
        "request_id": response.headers["X-Request-ID"],
    }
    wait_until(lambda: "Traceback" in log.read_text(), timeout=10, what="a logged traceback")
    assert "hero" in log.read_text()
