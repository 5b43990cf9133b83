{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""Bodies no well-behaved client sends: each is a short 422 naming the field, never a 5xx.

Python's JSON parser takes NaN, Infinity and 1e400 (a float too large: infinity), and a lone
UTF-16 surrogate ("\\ud800") in a string; PostgreSQL cannot store a NUL character. The 422 lists
the invalid fields without echoing their values, which JSON could not always carry back, and
which can be megabytes long.
"""

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
{%- else %}
from fastapi.testclient import TestClient
{%- endif %}

JSON = "application/json"
MEGABYTES_10 = 10 * 1024 * 1024
# content type, body, and the location of the one field the 422 must name
HOSTILE_BODIES = {
    "NaN": (JSON, b'{"name": "N", "secret_name": "S", "age": NaN}', ["body", "age"]),
    "1e400": (JSON, b'{"name": "N", "secret_name": "S", "age": 1e400}', ["body", "age"]),
    "-Infinity": (
        JSON,
        b'{"name": "N", "secret_name": "S", "team_id": -Infinity}',
        ["body", "team_id"],
    ),
    "NaN for a string": (JSON, b'{"name": NaN, "secret_name": "S"}', ["body", "name"]),
    "lone surrogate": (JSON, b'{"name": "\\ud800", "secret_name": "S"}', ["body", "name"]),
    "NUL character": (JSON, b'{"name": "N", "secret_name": "S\\u0000"}', ["body", "secret_name"]),
    "10 MB name": (
        JSON,
        b'{"name": "' + b"x" * MEGABYTES_10 + b'", "secret_name": "S"}',
        ["body", "name"],
    ),
    "bytes, not text": ("text/plain", b"\xff\xfe\x00", ["body"]),
}


@pytest.mark.parametrize(
    ("content_type", "body", "field"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys()
)
{{ async_ }}def test_hostile_body_answers_a_short_422_naming_the_field(
    client: {{ Client }}, content_type: str, body: bytes, field: list[str]
) -> None:
    """POST /heroes answers 422 under a kilobyte, naming the field, and stores nothing."""
    response = {{ await_ }}client.post("/heroes", content=body, headers={"content-type": content_type})

    assert response.status_code == 422, response.text[:200]
    assert len(response.content) < 1024
    assert [error["loc"] for error in response.json()["detail"]] == [field]
    assert ({{ await_ }}client.get("/heroes")).json() == []


{{ async_ }}def test_hostile_patch_answers_a_short_422_naming_the_field(client: {{ Client }}) -> None:
    """PATCH validates the same way: a lone surrogate in a team's name is a 422 naming it."""
    team = ({{ await_ }}client.post("/teams", json={"name": "T", "headquarters": "H"})).json()

    response = {{ await_ }}client.patch(
        f"/teams/{team['id']}", content=b'{"name": "\\udfff"}', headers={"content-type": JSON}
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "name"]]
