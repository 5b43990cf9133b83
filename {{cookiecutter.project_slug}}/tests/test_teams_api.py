{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Session = ("AsyncClient", "AsyncSession") if is_async else ("TestClient", "Session") -%}
{%- macro flushed() %}{% if is_async %}
    await session.flush(){% endif %}{% endmacro -%}
"""The /teams endpoints, through HTTP."""

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

from factories import HeroFactory, TeamFactory


{{ async_ }}def test_create_team_answers_201_with_the_stored_row(client: {{ Client }}) -> None:
    """POST /teams stores the team and answers with its id."""
    response = {{ await_ }}client.post("/teams", json={"name": "Avengers", "headquarters": "New York"})

    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Avengers"
    assert ({{ await_ }}client.get(f"/teams/{created['id']}")).json() == created


{{ async_ }}def test_create_team_with_a_taken_name_answers_409(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """The unique constraint on team.name becomes a 409, not a 500."""
    TeamFactory.create(name="Avengers"){{ flushed() }}

    response = {{ await_ }}client.post("/teams", json={"name": "Avengers", "headquarters": "Elsewhere"})

    assert response.status_code == 409
    assert response.json() == {"detail": "a team with this name already exists"}


{{ async_ }}def test_create_team_with_invalid_fields_answers_422(client: {{ Client }}) -> None:
    """Missing, empty and over-long fields are rejected before the database sees them."""
    for body in (
        {"headquarters": "Nowhere"},
        {"name": "", "headquarters": "Nowhere"},
        {"name": "x" * 101, "headquarters": "Nowhere"},
    ):
        assert ({{ await_ }}client.post("/teams", json=body)).status_code == 422, body


{{ async_ }}def test_read_missing_team_answers_404(client: {{ Client }}) -> None:
    """GET /teams/{id} for an id that does not exist is a 404."""
    response = {{ await_ }}client.get("/teams/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "team not found"}


{{ async_ }}def test_list_teams_pages_with_limit_and_offset(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """GET /teams returns rows in id order, `limit` at a time from `offset`."""
    teams = TeamFactory.create_batch(5){{ flushed() }}

    page = ({{ await_ }}client.get("/teams", params={"limit": 2, "offset": 1})).json()

    assert [team["id"] for team in page] == [teams[1].id, teams[2].id]


{{ async_ }}def test_list_teams_rejects_a_page_size_over_the_cap(client: {{ Client }}) -> None:
    """Page size is capped at 100: a larger limit is a 422, not a full-table read."""
    assert ({{ await_ }}client.get("/teams", params={"limit": 101})).status_code == 422


{{ async_ }}def test_update_team_changes_only_the_given_fields(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """PATCH /teams/{id} applies the fields sent and leaves the others alone."""
    team = TeamFactory.create(name="Avengers", headquarters="New York"){{ flushed() }}

    response = {{ await_ }}client.patch(f"/teams/{team.id}", json={"headquarters": "Wakanda"})

    assert response.status_code == 200
    assert response.json() == {"id": team.id, "name": "Avengers", "headquarters": "Wakanda"}


{{ async_ }}def test_update_team_to_a_taken_name_answers_409(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """Renaming a team to another team's name is a 409."""
    TeamFactory.create(name="Avengers")
    team = TeamFactory.create(name="Defenders"){{ flushed() }}

    response = {{ await_ }}client.patch(f"/teams/{team.id}", json={"name": "Avengers"})

    assert response.status_code == 409


{{ async_ }}def test_update_team_name_to_null_answers_422_naming_the_field(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """The name may be left out of a PATCH but not set to null: a 422 naming it, not a 409."""
    team = TeamFactory.create(){{ flushed() }}

    response = {{ await_ }}client.patch(f"/teams/{team.id}", json={"name": None})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "name"]]


{{ async_ }}def test_update_missing_team_answers_404(client: {{ Client }}) -> None:
    """PATCH on an id that does not exist is a 404."""
    assert ({{ await_ }}client.patch("/teams/999999", json={"name": "Anyone"})).status_code == 404


{{ async_ }}def test_delete_team_answers_204_and_the_team_is_gone(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """DELETE /teams/{id} removes the row."""
    team = TeamFactory.create(){{ flushed() }}

    assert ({{ await_ }}client.delete(f"/teams/{team.id}")).status_code == 204
    assert ({{ await_ }}client.get(f"/teams/{team.id}")).status_code == 404


{{ async_ }}def test_delete_team_with_heroes_answers_409(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """The foreign key from hero.team_id keeps a team with members from being deleted."""
    hero = HeroFactory.create(){{ flushed() }}

    response = {{ await_ }}client.delete(f"/teams/{hero.team_id}")

    assert response.status_code == 409
    assert response.json() == {"detail": "the team still has heroes"}


{{ async_ }}def test_delete_missing_team_answers_404(client: {{ Client }}) -> None:
    """DELETE on an id that does not exist is a 404."""
    assert ({{ await_ }}client.delete("/teams/999999")).status_code == 404
