"""A bounded burst against a generated service (database=postgresql) under uvicorn.

Skipped unless TEMPLATE_LOAD_TESTS=1. 5,000 requests from 64 concurrent clients: creates of
unique teams, duplicate creates of the same names racing them, reads by id and page lists, in
a fixed shuffled order. Proves: no 5xx and no dropped connection; exactly one 201 per unique
name and one 409 per duplicate; every created row is in the database exactly once, with the id
its 201 answered; the connection pool never ran dry (no pool timeout in the server log, and
never more connections on the server than the pool allows). Prints throughput and latency
percentiles. The whole burst must finish within BURST_DEADLINE seconds.
"""

import asyncio
import os
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from tests.conftest import Rendering, connected, render
from tests.served import migrate, service_database, uvicorn_server

pytestmark = [
    pytest.mark.load,
    pytest.mark.postgresql,
    pytest.mark.skipif(
        os.environ.get("TEMPLATE_LOAD_TESTS") != "1", reason="set TEMPLATE_LOAD_TESTS=1"
    ),
]

UNIQUE_CREATES, DUPLICATE_CREATES, READS, LISTS = 1_500, 700, 1_800, 1_000
CONCURRENCY = 64
BURST_DEADLINE = 300  # seconds
POOL_LIMIT = 5 + 10  # SQLAlchemy's QueuePool defaults: pool_size + max_overflow


@dataclass(frozen=True)
class Call:
    kind: str  # create, read, list
    method: str
    path: str
    body: dict[str, str] | None = None


@dataclass(frozen=True)
class Outcome:
    call: Call
    status: int  # 0: the connection failed
    seconds: float
    body: object = None


def burst_plan(seed: int = 6) -> list[Call]:
    """The 5,000 calls, shuffled: every duplicate repeats a name some unique create sends."""
    rng = random.Random(seed)
    names = [f"Load team {index:05d}" for index in range(UNIQUE_CREATES)]
    creates = [
        Call("create", "POST", "/teams", {"name": name, "headquarters": "Burst"})
        for name in names + rng.choices(names, k=DUPLICATE_CREATES)
    ]
    reads = [Call("read", "GET", f"/teams/{rng.randint(1, UNIQUE_CREATES)}") for _ in range(READS)]
    lists = [
        Call("list", "GET", f"/teams?limit=100&offset={rng.randrange(0, UNIQUE_CREATES)}")
        for _ in range(LISTS)
    ]
    plan = creates + reads + lists
    rng.shuffle(plan)
    return plan


async def send(client: httpx2.AsyncClient, call: Call) -> Outcome:
    started = time.perf_counter()
    try:
        response = await client.request(call.method, call.path, json=call.body)
    except httpx2.TransportError:
        return Outcome(call, 0, time.perf_counter() - started)
    body = response.json() if response.status_code == 201 else None
    return Outcome(call, response.status_code, time.perf_counter() - started, body)


async def run_burst(base_url: str, plan: list[Call]) -> list[Outcome]:
    """CONCURRENCY clients, each sending the next call of the plan as soon as it has an answer."""
    calls = iter(plan)
    outcomes: list[Outcome] = []
    limits = httpx2.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx2.AsyncClient(
        base_url=base_url, limits=limits, timeout=60, trust_env=False
    ) as client:

        async def client_loop() -> None:
            for call in calls:
                outcomes.append(await send(client, call))

        await asyncio.gather(*(client_loop() for _ in range(CONCURRENCY)))
    return outcomes


class ConnectionSampler:
    """Counts, every 50 ms in a thread, the client connections to one database; keeps the
    most that two samples in a row saw.

    Client backends only: an autovacuum worker, started by the burst's inserts, shows in
    pg_stat_activity under the database's name too, and is none of the pool's connections.
    """

    def __init__(self, database: URL) -> None:
        self.database = database
        self.most = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "ConnectionSampler":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    def _sample(self) -> None:
        query = text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = :name AND backend_type = 'client backend'"
        )
        previous = 0
        with connected(self.database.set(database="postgres")) as connection:
            while not self._done.wait(0.05):
                count = connection.scalar(query, {"name": self.database.database}) or 0
                # Counted when two samples in a row see it: the backend of an overflow
                # connection the pool has just closed lingers in pg_stat_activity for a few
                # milliseconds, beside the one that replaces it.
                self.most = max(self.most, min(count, previous))
                previous = count
                connection.rollback()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("load"), database="postgresql")


@pytest.fixture(scope="module")
def database(project: Rendering, postgresql_server: URL) -> Iterator[URL]:
    with service_database(postgresql_server, "load") as url:
        migrate(project, url)
        yield url


def percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def report(outcomes: list[Outcome], seconds: float, most_connections: int) -> None:
    latencies = [outcome.seconds * 1000 for outcome in outcomes]
    statuses = Counter(outcome.status for outcome in outcomes)
    print(
        f"\nburst: {len(outcomes)} requests, {CONCURRENCY} concurrent, {seconds:.1f}s, "
        f"{len(outcomes) / seconds:.0f} requests/s; latency ms p50 {percentile(latencies, 50):.1f}"
        f" p95 {percentile(latencies, 95):.1f} p99 {percentile(latencies, 99):.1f}"
        f" max {max(latencies):.1f}; statuses {dict(sorted(statuses.items()))}; "
        f"most server connections {most_connections} (pool allows {POOL_LIMIT})"
    )


def test_burst_keeps_every_promise(project: Rendering, database: URL, tmp_path: Path) -> None:
    """Zero 5xx, one 201 per unique name, one 409 per duplicate, each created row stored
    once with its id, the pool never exhausted, and all of it within the deadline."""
    plan = burst_plan()
    log = tmp_path / "uvicorn.log"
    url = database.render_as_string(hide_password=False)
    with (
        uvicorn_server(project, log, DATABASE_URL=url) as base_url,
        ConnectionSampler(database) as sampler,
    ):
        started = time.perf_counter()
        outcomes = asyncio.run(asyncio.wait_for(run_burst(base_url, plan), BURST_DEADLINE))
        seconds = time.perf_counter() - started
    report(outcomes, seconds, sampler.most)

    by_kind = {
        kind: Counter(outcome.status for outcome in outcomes if outcome.call.kind == kind)
        for kind in ("create", "read", "list")
    }
    assert len(outcomes) == len(plan)
    assert by_kind["create"] == {201: UNIQUE_CREATES, 409: DUPLICATE_CREATES}
    assert set(by_kind["read"]) <= {200, 404}
    assert by_kind["list"] == {200: LISTS}
    created = {
        outcome.body["name"]: outcome.body["id"]
        for outcome in outcomes
        if isinstance(outcome.body, dict)
    }
    with connected(database) as connection:
        stored = connection.execute(text("SELECT name, id FROM team")).all()
    assert len(stored) == len(created) == UNIQUE_CREATES
    assert dict(stored) == created
    server_log = log.read_text()
    assert "QueuePool limit" not in server_log
    assert "Traceback" not in server_log
    assert sampler.most <= POOL_LIMIT
