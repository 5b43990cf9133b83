{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client, Session = ("AsyncClient", "AsyncSession") if is_async else ("TestClient", "Session") -%}
{%- macro flushed() %}{% if is_async %}
    await session.flush(){% endif %}{% endmacro -%}
"""The /heroes endpoints, through HTTP."""

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


{{ async_ }}def test_create_hero_in_a_team_answers_201(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """POST /heroes stores the hero with its team."""
    team = TeamFactory.create(){{ flushed() }}

    response = {{ await_ }}client.post(
        "/heroes", json={"name": "Spider-Boy", "secret_name": "Pedro", "team_id": team.id}
    )

    assert response.status_code == 201
    hero = response.json()
    assert (hero["name"], hero["team_id"], hero["age"]) == ("Spider-Boy", team.id, None)


{{ async_ }}def test_create_hero_in_a_missing_team_answers_422(client: {{ Client }}) -> None:
    """A hero cannot join a team that does not exist: the foreign key refuses it, by name."""
    response = {{ await_ }}client.post(
        "/heroes", json={"name": "Nobody", "secret_name": "X", "team_id": 999999}
    )

    assert response.status_code == 422
    assert response.json() == {"detail": "team 999999 does not exist"}


{{ async_ }}def test_create_hero_with_a_taken_name_answers_409(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """The unique constraint on hero.name becomes a 409."""
    HeroFactory.create(name="Deadpond"){{ flushed() }}

    response = {{ await_ }}client.post("/heroes", json={"name": "Deadpond", "secret_name": "Dive Wilson"})

    assert response.status_code == 409


{{ async_ }}def test_create_hero_with_invalid_fields_answers_422(client: {{ Client }}) -> None:
    """Negative ages, wrong types and missing names are rejected."""
    for body in (
        {"name": "Old", "secret_name": "X", "age": -1},
        {"name": "Typed", "secret_name": "X", "age": "forty"},
        {"secret_name": "X"},
    ):
        assert ({{ await_ }}client.post("/heroes", json=body)).status_code == 422, body


{{ async_ }}def test_read_hero_and_missing_hero(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """GET /heroes/{id} answers the hero, or 404 when there is none."""
    hero = HeroFactory.create(){{ flushed() }}

    assert ({{ await_ }}client.get(f"/heroes/{hero.id}")).json()["secret_name"] == hero.secret_name
    assert ({{ await_ }}client.get("/heroes/999999")).status_code == 404


{{ async_ }}def test_list_heroes_pages_with_limit_and_offset(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """GET /heroes returns rows in id order, `limit` at a time from `offset`."""
    heroes = HeroFactory.create_batch(4){{ flushed() }}

    page = ({{ await_ }}client.get("/heroes", params={"limit": 3, "offset": 2})).json()

    assert [hero["id"] for hero in page] == [heroes[2].id, heroes[3].id]


{{ async_ }}def test_update_hero_moves_it_to_another_team(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """PATCH /heroes/{id} can change the team, and can leave the team with null."""
    hero = HeroFactory.create()
    other_team = TeamFactory.create(){{ flushed() }}

    moved = {{ await_ }}client.patch(f"/heroes/{hero.id}", json={"team_id": other_team.id})
    left = {{ await_ }}client.patch(f"/heroes/{hero.id}", json={"team_id": None})

    assert moved.json()["team_id"] == other_team.id
    assert left.json()["team_id"] is None


{{ async_ }}def test_update_hero_conflicts_and_missing_rows(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """PATCH answers 409 for a taken name, 422 for a missing team, 404 for a missing hero."""
    HeroFactory.create(name="Taken")
    hero = HeroFactory.create(){{ flushed() }}

    assert ({{ await_ }}client.patch(f"/heroes/{hero.id}", json={"name": "Taken"})).status_code == 409
    assert ({{ await_ }}client.patch(f"/heroes/{hero.id}", json={"team_id": 999999})).status_code == 422
    assert ({{ await_ }}client.patch("/heroes/999999", json={"age": 30})).status_code == 404


{{ async_ }}def test_update_hero_names_to_null_answers_422_naming_the_fields(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """NOT NULL columns refuse null in a PATCH with a 422 naming each field, not a 409."""
    hero = HeroFactory.create(){{ flushed() }}

    response = {{ await_ }}client.patch(f"/heroes/{hero.id}", json={"name": None, "secret_name": None})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [
        ["body", "name"],
        ["body", "secret_name"],
    ]


{{ async_ }}def test_delete_hero_answers_204_then_404(
    client: {{ Client }},
    session: {{ Session }},
) -> None:
    """DELETE /heroes/{id} removes the hero; deleting it again is a 404."""
    hero = HeroFactory.create(){{ flushed() }}

    assert ({{ await_ }}client.delete(f"/heroes/{hero.id}")).status_code == 204
    assert ({{ await_ }}client.delete(f"/heroes/{hero.id}")).status_code == 404
