"""The /heroes endpoints, through HTTP."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import HeroFactory, TeamFactory


def test_create_hero_in_a_team_answers_201(client: TestClient, session: Session) -> None:
    """POST /heroes stores the hero with its team."""
    team = TeamFactory.create()

    response = client.post(
        "/heroes", json={"name": "Spider-Boy", "secret_name": "Pedro", "team_id": team.id}
    )

    assert response.status_code == 201
    hero = response.json()
    assert (hero["name"], hero["team_id"], hero["age"]) == ("Spider-Boy", team.id, None)


def test_create_hero_in_a_missing_team_answers_422(client: TestClient) -> None:
    """A hero cannot join a team that does not exist."""
    response = client.post(
        "/heroes", json={"name": "Nobody", "secret_name": "X", "team_id": 999999}
    )

    assert response.status_code == 422
    assert response.json() == {"detail": "team 999999 does not exist"}


def test_create_hero_with_a_taken_name_answers_409(client: TestClient, session: Session) -> None:
    """The unique constraint on hero.name becomes a 409."""
    HeroFactory.create(name="Deadpond")

    response = client.post("/heroes", json={"name": "Deadpond", "secret_name": "Dive Wilson"})

    assert response.status_code == 409


def test_create_hero_with_invalid_fields_answers_422(client: TestClient) -> None:
    """Negative ages, wrong types and missing names are rejected."""
    for body in (
        {"name": "Old", "secret_name": "X", "age": -1},
        {"name": "Typed", "secret_name": "X", "age": "forty"},
        {"secret_name": "X"},
    ):
        assert client.post("/heroes", json=body).status_code == 422, body


def test_read_hero_and_missing_hero(client: TestClient, session: Session) -> None:
    """GET /heroes/{id} answers the hero, or 404 when there is none."""
    hero = HeroFactory.create()

    assert client.get(f"/heroes/{hero.id}").json()["secret_name"] == hero.secret_name
    assert client.get("/heroes/999999").status_code == 404


def test_list_heroes_pages_with_limit_and_offset(client: TestClient, session: Session) -> None:
    """GET /heroes returns rows in id order, `limit` at a time from `offset`."""
    heroes = HeroFactory.create_batch(4)

    page = client.get("/heroes", params={"limit": 3, "offset": 2}).json()

    assert [hero["id"] for hero in page] == [heroes[2].id, heroes[3].id]


def test_update_hero_moves_it_to_another_team(client: TestClient, session: Session) -> None:
    """PATCH /heroes/{id} can change the team, and can leave the team with null."""
    hero = HeroFactory.create()
    other_team = TeamFactory.create()

    moved = client.patch(f"/heroes/{hero.id}", json={"team_id": other_team.id})
    left = client.patch(f"/heroes/{hero.id}", json={"team_id": None})

    assert moved.json()["team_id"] == other_team.id
    assert left.json()["team_id"] is None


def test_update_hero_conflicts_and_missing_rows(client: TestClient, session: Session) -> None:
    """PATCH answers 409 for a taken name, 422 for a missing team, 404 for a missing hero."""
    HeroFactory.create(name="Taken")
    hero = HeroFactory.create()

    assert client.patch(f"/heroes/{hero.id}", json={"name": "Taken"}).status_code == 409
    assert client.patch(f"/heroes/{hero.id}", json={"team_id": 999999}).status_code == 422
    assert client.patch("/heroes/999999", json={"age": 30}).status_code == 404


def test_delete_hero_answers_204_then_404(client: TestClient, session: Session) -> None:
    """DELETE /heroes/{id} removes the hero; deleting it again is a 404."""
    hero = HeroFactory.create()

    assert client.delete(f"/heroes/{hero.id}").status_code == 204
    assert client.delete(f"/heroes/{hero.id}").status_code == 404
