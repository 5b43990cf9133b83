"""Fake teams and heroes: the factory-boy definitions the tests and the seed command share.

Here they only build rows in memory. tests/factories.py binds them to the running test's
session to write them; the seed command (seed.py) adds what they build to a session of its own.
factory-boy and Faker are dev dependencies: only the tests and the seed command import this.
"""

from typing import Any

import factory.random
from factory.alchemy import SQLAlchemyModelFactory
from factory.declarations import Sequence, SubFactory
from factory.faker import Faker

from {{ cookiecutter.package_name }}.models import Hero, Team


class TeamFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Team

    name = Sequence(lambda n: f"Team {n}")
    headquarters = Faker("city")


class HeroFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Hero

    name = Sequence(lambda n: f"Hero {n}")
    secret_name = Faker("name")
    age = Faker("random_int", min=18, max=90)
    team = SubFactory(TeamFactory)


def fake_rows(seed: str, teams: int, heroes_per_team: int, teamless_heroes: int) -> list[Any]:
    """Teams with their heroes, and heroes with no team, built in memory. Faker and the
    sequences start from ``seed``: the same rows on every call."""
    factory.random.reseed_random(seed)
    for factory_class in (TeamFactory, HeroFactory):
        factory_class.reset_sequence(force=True)
    built_teams = TeamFactory.build_batch(teams)
    members = [HeroFactory.build(team=team) for team in built_teams for _ in range(heroes_per_team)]
    return [*built_teams, *members, *HeroFactory.build_batch(teamless_heroes, team=None)]
