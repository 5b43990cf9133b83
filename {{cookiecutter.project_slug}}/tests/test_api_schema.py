{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""Every operation of the app's own OpenAPI schema, tried the way a client would try it.

An endpoint you add is in the schema, and so in these tests, without writing anything.
"""

import re

from fastapi import FastAPI
{%- if is_async %}
from httpx2 import AsyncClient, Response
{%- else %}
from fastapi.testclient import TestClient
from httpx2 import Response
{%- endif %}

# What a route may declare; HEAD and OPTIONS are answered only where a route declares them.
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def documented_methods(app: FastAPI) -> dict[str, set[str]]:
    """Each path of the schema, with the methods it documents."""
    paths: dict[str, dict[str, object]] = app.openapi()["paths"]
    return {path: {method.upper() for method in operations} for path, operations in paths.items()}


def some_url(path: str) -> str:
    """``path`` with every parameter filled in: routing picks a route by the path's shape, and
    answers 405 before any parameter is validated."""
    return re.sub(r"\{[^}]+\}", "1", path)


def allowed(response: Response) -> set[str]:
    return {method.strip() for method in response.headers.get("allow", "").split(",")} - {""}


{{ async_ }}def test_every_other_method_answers_405_naming_the_paths_methods(
    app: FastAPI, client: {{ Client }}
) -> None:
    """A method a path does not document answers 405, and its Allow header names exactly the
    methods the path documents (RFC 9110), not an empty or partial list."""
    for path, methods in documented_methods(app).items():
        for method in sorted(METHODS - methods):
            response = {{ await_ }}client.request(method, some_url(path))

            assert response.status_code == 405, f"{method} {path}"
            assert allowed(response) == methods, f"{method} {path}"
