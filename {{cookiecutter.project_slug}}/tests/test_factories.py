"""The factories' fake data: the same in a test whatever ran before it, so a failure replays."""

import pytest

from database_isolation.factory_binding import start_fake_data_for
from factories import HeroFactory


def fake_heroes() -> list[tuple[str, str, int]]:
    """Three heroes built in memory (no session, no database): their names, secret names, ages."""
    return [(hero.name, hero.secret_name, hero.age) for hero in HeroFactory.build_batch(3)]


def test_fake_data_depends_on_the_test_alone(request: pytest.FixtureRequest) -> None:
    """The data a test builds is what Faker and the sequences give from the test's own id: the
    tests before it, which drew from the same generators, change nothing."""
    at_start = fake_heroes()

    start_fake_data_for(request.node.nodeid)

    assert fake_heroes() == at_start
