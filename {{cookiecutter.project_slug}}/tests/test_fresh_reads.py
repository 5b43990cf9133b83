{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Session = ("AsyncClient", "AsyncSession") if is_async else ("TestClient", "Session") -%}
"""The test's session reads what the requests committed: no expire_all() in any test."""

{% if is_async -%}
from httpx2 import AsyncClient
{%- else -%}
from fastapi.testclient import TestClient
{%- endif %}
{%- if cookiecutter.orm == "sqlmodel" and is_async %}
from sqlmodel.ext.asyncio.session import AsyncSession
{%- elif cookiecutter.orm == "sqlmodel" %}
from sqlmodel import Session
{%- elif is_async %}
from sqlalchemy.ext.asyncio import AsyncSession
{%- else %}
from sqlalchemy.orm import Session
{%- endif %}

from {{ cookiecutter.package_name }}.models import Team

from factories import TeamFactory


{{ async_ }}def test_the_tests_session_sees_what_requests_changed_and_deleted(
    client: {{ Client }}, session: {{ Session }}
) -> None:
    """A row the test loaded, then changed and deleted through the API, reads as the API left
    it: the test's identity map serves no old copy."""
    team = TeamFactory.create(name="Before")
{%- if is_async %}
    await session.flush()
{%- endif %}
    team_id = team.id

    {{ await_ }}client.patch(f"/teams/{team_id}", json={"name": "After"})
{%- if not is_async %}

    assert team.name == "After"  # the object the test holds, read again
{%- endif %}
    changed = {{ await_ }}session.get(Team, team_id)
    assert changed is not None
    assert changed.name == "After"
    {{ await_ }}client.delete(f"/teams/{team_id}")
    assert {{ await_ }}session.get(Team, team_id) is None
