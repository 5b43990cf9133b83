"""Fuzz a generated app through its own OpenAPI schema, in-process (no server).

The template's tests/test_fuzz.py copies this module into a rendered project and runs it with
pytest there, FUZZ_PACKAGE naming the project's package. The app is the production one:
create_app() on a temporary SQLite file that Alembic migrated to head, its lifespan running,
nothing overridden. Hypothesis is derandomized, so every run sends the same requests. The
number of requests sent to each operation is written as JSON to the file FUZZ_REPORT names.

Schemathesis sends only what JSON can carry. HOSTILE_VALUES adds what a client can send anyway
and Python's JSON parser takes: NaN, Infinity, 1e400 (infinity), lone UTF-16 surrogates, NUL
characters, long strings, bytes that are not UTF-8; test_hostile_bodies sends them, raw, in the
fields of every operation that takes a body.

The fuzzing checks that every answer is documented. The converse, that each status an operation
documents is answered to a request of its own (so a list route documents no 404, and a body that
is not JSON gets the 400 the routes document), is
test_each_operation_answers_exactly_the_statuses_it_documents.
"""

import importlib
import inspect
import json
import os
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

PACKAGE = os.environ["FUZZ_PACKAGE"]
REPORT = Path(os.environ["FUZZ_REPORT"])
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "30"))
SENT: Counter[str] = Counter()
DATABASE_FOLDER = tempfile.TemporaryDirectory(prefix="fuzz-")


def sqlite_url() -> str:
    """A new SQLite file, through the driver the app's API style needs (aiosqlite if async)."""
    db = importlib.import_module(f"{PACKAGE}.db")
    driver = "sqlite+aiosqlite" if inspect.isasyncgenfunction(db.get_session) else "sqlite"
    return f"{driver}:///{Path(DATABASE_FOLDER.name) / 'fuzz.sqlite'}"


def migrated_app() -> FastAPI:
    """The production app on a new SQLite file migrated to head by the real migrations."""
    url = sqlite_url()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        command.upgrade(Config(Path(__file__).with_name("alembic.ini")), "head")
    main = importlib.import_module(f"{PACKAGE}.main")
    settings_module = importlib.import_module(f"{PACKAGE}.settings")
    app: FastAPI = main.create_app(settings_module.Settings(database_url=url))
    return app


# What the responses must satisfy. schemathesis's own Allow checks look at OPTIONS answers and at
# 405s of its coverage phase only, and take an empty header for a present one: the Allow header
# of a 405 is asserted by test_every_other_method_answers_405_naming_the_paths_methods below.
# Not asserted here: whether the app accepts every request the
# schema allows and rejects every other (positive_data_acceptance, negative_data_rejection).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.allow_header_conformance,
    checks.unsupported_method,
]

APP = migrated_app()
# Its requests use the lifespan's engine (the lifespan fixture runs it); a 500 is an answer.
CLIENT = TestClient(APP, raise_server_exceptions=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="session", autouse=True)
def lifespan() -> Iterator[None]:
    """Run the app's lifespan (its engine and session factory) around the whole session, then
    write the report."""
    with DATABASE_FOLDER, TestClient(APP):
        yield
    REPORT.write_text(json.dumps(SENT))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_operation_conforms(case: schemathesis.Case) -> None:
    """No 5xx, and every status, header and body matches what the schema documents."""
    SENT[case.operation.label] += 1
    case.call_and_validate(checks=CHECKS)


def json_string(text: str) -> bytes:
    """``text`` as a JSON string, every character outside ASCII escaped (surrogates too)."""
    return json.dumps(text).encode()


HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b"1e400",
            b"9" * 5000,  # more digits than Python turns into an int
            b'"\\ud800"',
            b'"name\\udfff"',
            b'"\\u0000"',
            b'"\xff\xfe"',  # not UTF-8
            json_string("x" * 200_000),
        ]
    ),
    st.text(st.characters(categories=["Cs", "Cc", "Zs", "Lu"]), max_size=20).map(json_string),
    st.sampled_from([b'"Hostile"', b"1", b"null", b"[]", b"{}"]),
)


def body_operations() -> list[Any]:
    """(method, path, field names) of every operation whose request body is a JSON object."""
    spec = APP.openapi()
    schemas = spec["components"]["schemas"]
    operations = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            body: dict[str, Any] = operation.get("requestBody", {})
            reference = body.get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in reference:
                fields = list(schemas[reference["$ref"].split("/")[-1]]["properties"])
                label = f"{method.upper()} {path}"
                operations.append(pytest.param(method.upper(), path, fields, id=label))
    return operations


@pytest.mark.parametrize(("method", "path", "fields"), body_operations())
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True)
@given(data=st.data())
def test_hostile_bodies(method: str, path: str, fields: list[str], data: st.DataObject) -> None:
    """No 5xx and no error body over 4 KB, whatever the fields hold."""
    values = data.draw(st.dictionaries(st.sampled_from(fields), HOSTILE_VALUES, min_size=1))
    body = b", ".join(json_string(field) + b": " + value for field, value in values.items())
    url = re.sub(r"\{\w+\}", "1", path)  # the first row, if there is one

    response = CLIENT.request(
        method, url, content=b"{" + body + b"}", headers={"content-type": "application/json"}
    )

    assert response.status_code < 500, (body[:300], response.text[:300])
    assert len(response.content) < 4096, response.text[:300]


# What a route may declare; HEAD and OPTIONS are answered only where a route declares them.
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_every_other_method_answers_405_naming_the_paths_methods() -> None:
    """Every method a path does not document answers 405 with an Allow header that names
    exactly the methods the path documents."""
    client = TestClient(APP)  # the session's lifespan is running: no `with` here
    for path, operations in APP.openapi()["paths"].items():
        documented = {method.upper() for method in operations}
        url = re.sub(r"\{[^}]+\}", "1", path)  # routing answers 405 before validating parameters
        for method in sorted(METHODS - documented):
            response = client.request(method, url)
            allow = {value.strip() for value in response.headers.get("allow", "").split(",")}
            assert (response.status_code, allow - {""}) == (405, documented), f"{method} {path}"


# Requests that get each status an operation documents, by operation and status. A 400 is a body
# that is not JSON; a 404 an id no row has; a 409 a taken name or a team that still has heroes; a
# 422 an invalid field; a 503 the readiness probe of an app whose database does not answer.
Send = Callable[[], Response]
NOT_JSON: dict[str, Any] = {
    "content": b'{"name": ',
    "headers": {"content-type": "application/json"},
}
MISSING_ID = 2**31 - 1


def unique(prefix: str) -> str:
    """A name no row has yet (the fuzzing before left rows of its own)."""
    return f"{prefix} {uuid.uuid4().hex}"


def created(path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = CLIENT.post(path, json=body)
    assert response.status_code == 201, response.text
    row: dict[str, Any] = response.json()
    return row


def new_team() -> dict[str, Any]:
    return created("/teams", {"name": unique("Team"), "headquarters": "Here"})


def hero_named(prefix: str) -> dict[str, Any]:
    return {"name": unique(prefix), "secret_name": "S"}


def new_hero(team_id: int | None = None) -> dict[str, Any]:
    return created("/heroes", {**hero_named("Hero"), "team_id": team_id})


def app_without_database() -> FastAPI:
    """The production app on an SQLite file in a folder that does not exist."""
    url = sqlite_url().replace(DATABASE_FOLDER.name, f"{DATABASE_FOLDER.name}/missing")
    settings_module = importlib.import_module(f"{PACKAGE}.settings")
    app: FastAPI = importlib.import_module(f"{PACKAGE}.main").create_app(
        settings_module.Settings(database_url=url)
    )
    return app


def requests_by_status(down: TestClient) -> dict[str, dict[int, Send]]:
    """For each operation, a request per documented status that gets it. Rows they need: a
    team with a hero (a team still in use), and a team and a hero whose names are taken."""
    team, other_team = new_team(), new_team()
    hero, other_hero = new_hero(team["id"]), new_hero()
    teams, heroes = f"/teams/{team['id']}", f"/heroes/{hero['id']}"
    return {
        "GET /health/live": {200: lambda: CLIENT.get("/health/live")},
        "GET /health/ready": {
            200: lambda: CLIENT.get("/health/ready"),
            503: lambda: down.get("/health/ready"),
        },
        "POST /teams": {
            201: lambda: CLIENT.post("/teams", json={"name": unique("Team"), "headquarters": "H"}),
            400: lambda: CLIENT.post("/teams", **NOT_JSON),
            409: lambda: CLIENT.post("/teams", json={"name": team["name"], "headquarters": "H"}),
            422: lambda: CLIENT.post("/teams", json={"name": "no headquarters"}),
        },
        "GET /teams": {
            200: lambda: CLIENT.get("/teams"),
            422: lambda: CLIENT.get("/teams", params={"limit": 0}),
        },
        "GET /teams/{team_id}": {
            200: lambda: CLIENT.get(teams),
            404: lambda: CLIENT.get(f"/teams/{MISSING_ID}"),
            422: lambda: CLIENT.get("/teams/one"),
        },
        "PATCH /teams/{team_id}": {
            200: lambda: CLIENT.patch(teams, json={"headquarters": "There"}),
            400: lambda: CLIENT.patch(teams, **NOT_JSON),
            404: lambda: CLIENT.patch(f"/teams/{MISSING_ID}", json={}),
            409: lambda: CLIENT.patch(teams, json={"name": other_team["name"]}),
            422: lambda: CLIENT.patch(teams, json={"name": None}),
        },
        "DELETE /teams/{team_id}": {
            204: lambda: CLIENT.delete(f"/teams/{new_team()['id']}"),
            404: lambda: CLIENT.delete(f"/teams/{MISSING_ID}"),
            409: lambda: CLIENT.delete(teams),
            422: lambda: CLIENT.delete("/teams/one"),
        },
        "POST /heroes": {
            201: lambda: CLIENT.post("/heroes", json=hero_named("New")),
            400: lambda: CLIENT.post("/heroes", **NOT_JSON),
            409: lambda: CLIENT.post("/heroes", json={"name": hero["name"], "secret_name": "S"}),
            422: lambda: CLIENT.post("/heroes", json={**hero_named("New"), "team_id": MISSING_ID}),
        },
        "GET /heroes": {
            200: lambda: CLIENT.get("/heroes"),
            422: lambda: CLIENT.get("/heroes", params={"offset": -1}),
        },
        "GET /heroes/{hero_id}": {
            200: lambda: CLIENT.get(heroes),
            404: lambda: CLIENT.get(f"/heroes/{MISSING_ID}"),
            422: lambda: CLIENT.get("/heroes/one"),
        },
        "PATCH /heroes/{hero_id}": {
            200: lambda: CLIENT.patch(heroes, json={"age": 30}),
            400: lambda: CLIENT.patch(heroes, **NOT_JSON),
            404: lambda: CLIENT.patch(f"/heroes/{MISSING_ID}", json={}),
            409: lambda: CLIENT.patch(heroes, json={"name": other_hero["name"]}),
            422: lambda: CLIENT.patch(heroes, json={"age": -1}),
        },
        "DELETE /heroes/{hero_id}": {
            204: lambda: CLIENT.delete(f"/heroes/{new_hero()['id']}"),
            404: lambda: CLIENT.delete(f"/heroes/{MISSING_ID}"),
            422: lambda: CLIENT.delete("/heroes/one"),
        },
    }


def test_each_operation_answers_exactly_the_statuses_it_documents() -> None:
    """Every status an operation documents is answered to some request, and no request of
    requests_by_status gets one the operation does not document; schemathesis' fuzzing above
    checks that no other request does either."""
    documented = {
        f"{method.upper()} {path}": {int(code) for code in operation["responses"]}
        for path, operations in APP.openapi()["paths"].items()
        for method, operation in operations.items()
    }
    with TestClient(app_without_database(), raise_server_exceptions=False) as down:
        requests = requests_by_status(down)
        answered = {
            label: {status: send().status_code for status, send in sends.items()}
            for label, sends in requests.items()
        }

    assert {label: set(sends) for label, sends in requests.items()} == documented
    assert answered == {
        label: {status: status for status in sends} for label, sends in requests.items()
    }
