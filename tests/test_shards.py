"""The generated CI's PostgreSQL shards, run here one after another as the workflow runs them
side by side: together they run every test of the suite exactly once, each passes in its random
order, and with recorded durations the longest shard takes at most 25% more than the best
split could (the even share, or the longest test when that is longer).

The shards' times are compared by what their tests took in the recording run, not by timing
the shards again: with some 15 tests of a few milliseconds each per shard, a busy machine moves
a second timing by more than the 25% allowed, whatever the split."""

import json
import re
import shlex
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import URL

from tests.conftest import Rendering, assert_suite_passed, drop_database, run_python

# The workflow's run id, which every shard of a run passes as its random seed.
RUN_ID = "20"
# "tests/test_x.py::test_y[a param] PASSED   [ 4%]" in a -v run (a param may hold spaces).
RESULT_LINE = re.compile(r"^(tests/.+?::.+?) (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b")


@dataclass(frozen=True)
class Shard:
    """The tests one shard ran."""

    tests: list[str]

    def recorded_seconds(self, durations: dict[str, float]) -> float:
        """What its tests took in the run that recorded ``durations``."""
        return sum(durations[test] for test in self.tests)


@dataclass(frozen=True)
class ShardJob:
    """The generated workflow's sharded PostgreSQL job: its shard numbers and its command."""

    shards: list[int]
    command: str
    # The step's environment, which carries the GitHub expressions into the command.
    variables: dict[str, str]

    def pytest_arguments(self, shard: int) -> list[str]:
        """The command a shard runs, its variables and GitHub expressions filled in, less
        ``uv run pytest`` and with ``-n 0`` last: here the shards take turns on a shared
        machine."""
        command = self.command
        for name, value in self.variables.items():
            command = command.replace(f'"${name}"', value)
        command = (
            command.replace("${{ strategy.job-total }}", str(len(self.shards)))
            .replace("${{ matrix.shard }}", str(shard))
            .replace('"$GITHUB_RUN_ID"', RUN_ID)
        )
        words = shlex.split(command)
        assert words[:3] == ["uv", "run", "pytest"], command
        return [*words[3:], "-n", "0"]


def sharded_job(project: Path) -> ShardJob:
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    job = workflow["jobs"]["test-postgresql"]
    step = job["steps"][-1]
    return ShardJob(job["strategy"]["matrix"]["shard"], step["run"], step.get("env", {}))


@pytest.fixture
def new_test_database(postgresql_server: URL) -> Iterator[Callable[[], str]]:
    """Names a new PostgreSQL test database on each call (a shard's own server, in CI); every
    database named is dropped afterwards."""
    names: list[str] = []

    def new() -> str:
        names.append(f"shards_{uuid.uuid4().hex[:8]}_test")
        return postgresql_server.set(database=names[-1]).render_as_string(hide_password=False)

    yield new
    for name in names:
        drop_database(postgresql_server, name)


def node_ids_run(verbose_output: str) -> list[str]:
    """The node ids a ``-v`` run reports, whatever their outcome: a whole run's are the suite."""
    return [match[1] for line in verbose_output.splitlines() if (match := RESULT_LINE.match(line))]


def run_shard(
    project: Path, job: ShardJob, shard: int, durations: Path, database_url: str
) -> Shard:
    """One shard, as its workflow job runs it (``-v``, to list what it ran); it must pass."""
    result = run_python(
        project,
        "-m",
        "pytest",
        *job.pytest_arguments(shard),
        f"--durations-path={durations}",
        "-v",
        TEST_DATABASE_URL=database_url,
    )
    assert_suite_passed(result)
    return Shard(node_ids_run(result.stdout))


@pytest.mark.postgresql
def test_shards_run_the_suite_once_each_passing_in_balanced_times(
    default_rendering: Rendering, new_test_database: Callable[[], str], tmp_path: Path
) -> None:
    """Durations recorded by one run, then the workflow's shards one after another, each on a
    database of its own: no test twice, none missing, all pass, within 25% of the best split."""
    project = default_rendering.path
    durations = tmp_path / ".test_durations"
    recording = run_python(
        project,
        "-m",
        "pytest",
        "--store-durations",
        f"--durations-path={durations}",
        "-v",
        TEST_DATABASE_URL=new_test_database(),
    )
    assert_suite_passed(recording)
    suite = node_ids_run(recording.stdout)
    job = sharded_job(project)

    shards = [run_shard(project, job, n, durations, new_test_database()) for n in job.shards]

    ran = Counter(test for shard in shards for test in shard.tests)
    assert [test for test, times in ran.items() if times > 1] == [], "run by two shards"
    assert sorted(set(suite) - set(ran)) == [], "run by no shard"
    assert sorted(ran) == sorted(suite)
    recorded = json.loads(durations.read_text())
    times = [round(shard.recorded_seconds(recorded), 3) for shard in shards]
    # No split beats the even share, nor a shard that holds the longest test.
    best = max(sum(times) / len(times), max(recorded[test] for test in suite))
    assert max(times) <= 1.25 * best, f"recorded seconds per shard: {times}, best {best:.3f}"
