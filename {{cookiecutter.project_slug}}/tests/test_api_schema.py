{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""Every operation of the app's own OpenAPI schema, tried the way a client would try it.

An endpoint you add is in the schema, and so in these tests, without writing anything. The
fuzz test sends each operation requests that schemathesis draws from the schema, valid and
invalid, inside the test's transaction like any other test: FUZZ_EXAMPLES=500 sends more.
"""

import os
import re
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import AsyncClient, Response
{%- else %}
from fastapi.testclient import TestClient
from httpx2 import Response
{%- endif %}
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, checks
from schemathesis.schemas import APIOperation

from {{ cookiecutter.package_name }}.main import app

# Requests per operation: few by default, so the suite stays fast; the same ones every run.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# What every response must satisfy: no 5xx, and a status, content type, headers and body that
# the schema documents for the operation.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
SCHEMA = schemathesis.openapi.from_dict(app.openapi())
Operation = APIOperation[Any, Any, Any, Any]
OPERATIONS: list[Operation] = [
    SCHEMA[path][method]
    for path, methods in SCHEMA.raw_schema["paths"].items()
    for method in methods
]

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


def cases_for(operation: Operation) -> list[Case[Operation]]:
    """FUZZ_EXAMPLES requests for ``operation``, valid and invalid, the same on every run."""
    cases: list[Case[Operation]] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy())
    def collect(case: Case[Operation]) -> None:
        cases.append(case)

    collect()
    return cases


def request_arguments(case: Case[Operation], client: {{ Client }}) -> dict[str, Any]:
    """The case as arguments of ``client.request`` (schemathesis writes them for requests)."""
    arguments = case.as_transport_kwargs(base_url=str(client.base_url))
    if isinstance(arguments.get("data"), bytes | str):
        arguments["content"] = arguments.pop("data")  # a raw body is `content` to httpx
    if not arguments.get("cookies"):
        arguments.pop("cookies", None)
    return arguments


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
{{ async_ }}def test_operation_survives_fuzzing(operation: Operation, client: {{ Client }}) -> None:
    """Requests drawn from the schema never get a 5xx, and every answer is one the schema
    documents: status, content type, headers and body."""
    for case in cases_for(operation):
        response = {{ await_ }}client.request(**request_arguments(case, client))

        case.validate_response(response, checks=CHECKS)
