"""Figures from the runs: summaries, the targets, the Markdown report and the chart."""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
from pytest_runs import RunResult
from strategies import DROP_CREATE, FLOOR, STRATEGIES, TRANSACTION, TRUNCATE, Strategy

SQLITE = "SQLite"
POSTGRESQL = "PostgreSQL"


@dataclass(frozen=True)
class Summary:
    """One strategy on one database, over all its rounds."""

    database: str
    strategy: Strategy
    median_seconds: float
    p95_seconds: float
    suite_seconds: float
    fixture_medians: dict[str, float]
    isolation_fixtures: frozenset[str]
    all_passed: bool
    leaked_rows: dict[str, int] | None

    @property
    def verified(self) -> bool:
        """Every run passed and left every table empty: the figures count."""
        counted = self.leaked_rows is not None and bool(self.leaked_rows)
        return self.all_passed and counted and not any((self.leaked_rows or {}).values())


def summarize(database: str, strategy: Strategy, runs: list[RunResult]) -> Summary:
    overheads = [seconds for run in runs for seconds in run.overhead_seconds]
    return Summary(
        database=database,
        strategy=strategy,
        median_seconds=statistics.median(overheads) if overheads else math.nan,
        p95_seconds=statistics.quantiles(overheads, n=20)[18] if len(overheads) > 1 else math.nan,
        suite_seconds=suite_seconds(runs),
        fixture_medians=fixture_medians(runs),
        isolation_fixtures=frozenset().union(*(run.isolation_fixtures for run in runs)),
        all_passed=all(run.passed for run in runs),
        leaked_rows=merged_leaks(runs),
    )


def suite_seconds(runs: list[RunResult]) -> float:
    """The test loops of all rounds, with the once-per-run setup counted once.

    Each round is a pytest process of its own and pays for the session-scoped fixtures
    (engine, migrations, app); one run of the whole suite would pay for them once.
    """
    per_test_part = sum(run.loop_seconds - run.once_seconds for run in runs)
    return per_test_part + statistics.median(run.once_seconds for run in runs)


def fixture_medians(runs: list[RunResult]) -> dict[str, float]:
    names = sorted({name for run in runs for name in run.fixture_seconds})
    return {
        name: statistics.median(
            seconds for run in runs for seconds in run.fixture_seconds.get(name, [])
        )
        for name in names
    }


def merged_leaks(runs: list[RunResult]) -> dict[str, int] | None:
    """Rows left per table, summed over the rounds; None if one round could not count."""
    if any(run.leaked_rows is None for run in runs):
        return None
    merged: dict[str, int] = {}
    for run in runs:
        for table, rows in (run.leaked_rows or {}).items():
            merged[table] = merged.get(table, 0) + rows
    return merged


@dataclass(frozen=True)
class ScalingPoint:
    """One suite size and worker count, median over the scaling rounds."""

    database: str
    tests: int
    workers: int
    wall_seconds: float
    loop_seconds: float
    cpu_seconds: float  # of the pytest processes (controller and workers), not the server's
    verified: bool  # every run passed and left every table empty


def scaling_point(database: str, tests: int, workers: int, runs: list[RunResult]) -> ScalingPoint:
    return ScalingPoint(
        database=database,
        tests=tests,
        workers=workers,
        wall_seconds=statistics.median(run.wall_seconds for run in runs),
        loop_seconds=statistics.median(run.loop_seconds for run in runs),
        cpu_seconds=statistics.median(run.cpu_seconds for run in runs),
        verified=all(run.verified for run in runs),
    )


@dataclass(frozen=True)
class ShardPoint:
    """One shard of the largest suite, as a CI runner of its own would run it: median over the
    scaling rounds."""

    number: int
    tests: int  # that this shard ran
    wall_seconds: float
    verified: bool


def shard_point(number: int, runs: list[RunResult]) -> ShardPoint:
    return ShardPoint(
        number=number,
        tests=statistics.median_low(run.tests_run for run in runs),
        wall_seconds=statistics.median(run.wall_seconds for run in runs),
        verified=all(run.verified for run in runs),
    )


@dataclass(frozen=True)
class ShardedLayout:
    """The largest PostgreSQL suite split into shards by pytest-split, each shard run on a
    database of its own, against the whole suite in one process (-n 0)."""

    tests: int
    shards: list[ShardPoint]
    serial_wall_seconds: float  # the whole suite's pytest command at -n 0, median
    durations_recorded: bool  # the first run, which recorded the durations, passed

    @property
    def slowest_seconds(self) -> float:
        """A CI running each shard on a runner of its own waits for this one."""
        return max(shard.wall_seconds for shard in self.shards)

    @property
    def spread(self) -> float:
        """The slowest shard's time over the fastest's: 1.00x is a perfect split."""
        return self.slowest_seconds / min(shard.wall_seconds for shard in self.shards)

    @property
    def speed_up(self) -> float:
        """What one runner per shard gains over one runner with the whole suite at -n 0."""
        return self.serial_wall_seconds / self.slowest_seconds

    @property
    def verified(self) -> bool:
        """The recording passed, every shard passed and left no row, and together the shards
        ran the whole suite."""
        together = sum(shard.tests for shard in self.shards)
        shards_verified = all(shard.verified for shard in self.shards)
        return self.durations_recorded and shards_verified and together == self.tests


@dataclass(frozen=True)
class Target:
    description: str
    measured: float
    bound: float
    at_most: bool  # met when measured <= bound; else when measured >= bound

    @property
    def met(self) -> bool:
        return self.measured <= self.bound if self.at_most else self.measured >= self.bound


def overhead_ratio(
    summaries: list[Summary], database: str, numerator: Strategy, denominator: Strategy
) -> float:
    """Median per-test overhead of ``numerator`` over that of ``denominator``."""
    median = {s.strategy: s.median_seconds for s in summaries if s.database == database}
    return median[numerator] / median[denominator]


def isolation_targets(summaries: list[Summary]) -> list[Target]:
    """The targets on per-test overhead, for the databases that ran."""
    databases = {summary.database for summary in summaries}
    targets = []
    if SQLITE in databases:
        on_sqlite = overhead_ratio(summaries, SQLITE, TRANSACTION, FLOOR)
        targets.append(
            Target("SQLite: strategy 1 within 3x of the floor", on_sqlite, 3, at_most=True)
        )
    if POSTGRESQL in databases:
        targets += [
            Target(
                "PostgreSQL: strategy 1 within 2x of the floor",
                overhead_ratio(summaries, POSTGRESQL, TRANSACTION, FLOOR),
                2,
                at_most=True,
            ),
            Target(
                "PostgreSQL: TRUNCATE costs at least 30x strategy 1",
                overhead_ratio(summaries, POSTGRESQL, TRUNCATE, TRANSACTION),
                30,
                at_most=False,
            ),
            Target(
                "PostgreSQL: drop/create costs at least 100x strategy 1",
                overhead_ratio(summaries, POSTGRESQL, DROP_CREATE, TRANSACTION),
                100,
                at_most=False,
            ),
        ]
    return targets


def duration(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.1f} s"


def times(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def void_unless(verified: bool, figures: list[str]) -> list[str]:
    """Figures of runs that failed or left rows behind stay in sight, struck through: void."""
    return figures if verified else [f"~~{figure}~~" for figure in figures]


def leak_verdict(summary: Summary) -> str:
    if not summary.all_passed:
        return "**VOID**: tests failed"
    if summary.leaked_rows is None or not summary.leaked_rows:
        return "**VOID**: rows not counted"
    leaked = {table: rows for table, rows in summary.leaked_rows.items() if rows}
    if leaked:
        return "**VOID**: " + ", ".join(f"{rows} rows in {table}" for table, rows in leaked.items())
    return "none"


def strategy_table(summaries: list[Summary], database: str) -> str:
    on_database = [summary for summary in summaries if summary.database == database]
    first = next(summary for summary in on_database if summary.strategy == TRANSACTION)
    rows = []
    for summary in on_database:
        figures = [
            duration(summary.median_seconds),
            duration(summary.p95_seconds),
            times(summary.median_seconds / first.median_seconds),
            duration(summary.suite_seconds),
            times(summary.suite_seconds / first.suite_seconds),
        ]
        rows.append(
            [summary.strategy.title, *void_unless(summary.verified, figures), leak_verdict(summary)]
        )
    header = (
        "strategy",
        "overhead per test, median",
        "p95",
        "median vs 1",
        "suite",
        "suite vs 1",
        "rows left",
    )
    return table(header, rows)


def breakdown_table(summaries: list[Summary]) -> str:
    """Median setup plus teardown of each project fixture, for strategy 1 and the floor;
    a fixture outside a strategy's isolation is in parentheses."""
    compared = [s for s in summaries if s.strategy in (TRANSACTION, FLOOR)]
    names = sorted({name for summary in compared for name in summary.fixture_medians})
    header = ["fixture", *(f"{s.database}, {s.strategy.number}" for s in compared)]
    rows = [[name, *(fixture_cell(s, name) for s in compared)] for name in names]
    return table(header, rows)


def fixture_cell(summary: Summary, name: str) -> str:
    if name not in summary.fixture_medians:
        return "-"
    figure = duration(summary.fixture_medians[name])
    return figure if name in summary.isolation_fixtures else f"({figure})"


def targets_table(targets: list[Target]) -> str:
    rows = [[t.description, times(t.measured), "yes" if t.met else "**no**"] for t in targets]
    return table(("target", "measured", "met"), rows)


def sizes_table(points: list[ScalingPoint]) -> str:
    rows = [
        [
            p.database,
            str(p.tests),
            *void_unless(
                p.verified,
                [
                    duration(p.loop_seconds),
                    duration(p.loop_seconds / p.tests),
                    duration(p.wall_seconds),
                ],
            ),
        ]
        for p in points
        if p.workers == 0
    ]
    return table(("database", "tests", "suite (test loop)", "per test", "pytest command"), rows)


def workers_table(points: list[ScalingPoint]) -> str:
    """The largest PostgreSQL suite at each -n, against -n 0."""
    parallel = [p for p in points if p.database == POSTGRESQL and p.tests == max_tests(points)]
    serial = next(p for p in parallel if p.workers == 0)
    rows = [
        [
            str(p.workers),
            *void_unless(
                p.verified,
                [
                    duration(p.wall_seconds),
                    times(serial.wall_seconds / p.wall_seconds),
                    duration(p.loop_seconds),
                    duration(p.cpu_seconds),
                    times(p.cpu_seconds / serial.cpu_seconds),
                ],
            ),
        ]
        for p in parallel
    ]
    speed = ("-n", "pytest command", "speed-up", "test loop (controller)")
    return table((*speed, "pytest CPU", "CPU vs -n 0"), rows)


def max_tests(points: list[ScalingPoint]) -> int:
    return max(point.tests for point in points)


def shards_table(layout: ShardedLayout) -> str:
    """Each shard's pytest command, then the slowest, the spread and the speed-up."""
    shards = len(layout.shards)
    rows = [
        [
            f"{shard.number} of {shards}",
            str(shard.tests),
            *void_unless(shard.verified, [duration(shard.wall_seconds)]),
        ]
        for shard in layout.shards
    ]
    figures = [
        duration(layout.slowest_seconds),
        times(layout.spread),
        times(layout.speed_up),
    ]
    summary = table(
        ("slowest shard", "spread (slowest / fastest)", f"speed-up of {shards} runners vs -n 0"),
        [void_unless(layout.verified, figures)],
    )
    return f"{table(('shard', 'tests', 'pytest command'), rows)}\n\n{summary}"


def markdown(
    context: str,
    summaries: list[Summary],
    targets: list[Target],
    scaling: list[ScalingPoint],
    sharded: ShardedLayout | None,
) -> str:
    """The whole report: context, one table per database, targets, breakdown, scaling."""
    databases = list(dict.fromkeys(summary.database for summary in summaries))
    sections = [f"# Test isolation benchmark\n\n{context}"]
    sections += [
        f"## {database}\n\n{strategy_table(summaries, database)}" for database in databases
    ]
    sections.append(f"## Targets\n\n{targets_table(targets)}")
    sections.append(
        "## Where the per-test time goes (median per fixture)\n\n" + breakdown_table(summaries)
    )
    if scaling:
        sections.append(f"## Scaling (strategy 1)\n\n{sizes_table(scaling)}")
    if any(point.workers for point in scaling):
        sections.append(
            f"## pytest-xdist (strategy 1)\n\n{workers_table(scaling)}\n\n"
            "*pytest CPU* is the user plus system time of the pytest processes (the controller "
            "and its workers) up to the session's end; the database server's is not in it. "
            "On a machine with as many cores as workers, they share those cores with the "
            "controller and the server."
        )
    if sharded is not None:
        sections.append(
            f"## Shards (strategy 1)\n\n{shards_table(sharded)}\n\n"
            f"The {sharded.tests}-test PostgreSQL suite split by pytest-split "
            f"(`--splits {len(sharded.shards)} --group i`, `least_duration`, as the generated "
            "CI's shards run it) on the durations one whole run recorded (`--store-durations`); "
            "the shards run one after another, each on a database of its own, at `-n 0`. "
            "A shard's pytest command includes importing the app and collecting the whole "
            "suite, as a CI runner's does; its runner's start and `uv sync` are not in it. The "
            "speed-up is the whole suite's pytest command at `-n 0` over the slowest shard's."
        )
    return "\n\n".join(sections) + "\n"


def draw_chart(
    summaries: list[Summary],
    scaling: list[ScalingPoint],
    sharded: ShardedLayout | None,
    path: Path,
) -> None:
    """Per-test overhead per strategy and, when scaling ran, suite time against size, -n and
    shards."""
    drawings = [partial(draw_overhead, summaries=summaries)]
    if scaling:
        drawings.append(partial(draw_sizes, points=scaling))
    if any(point.workers for point in scaling) or sharded is not None:
        drawings.append(partial(draw_workers, points=scaling, sharded=sharded))
    figure, axes = plt.subplots(1, len(drawings), figsize=(6.5 * len(drawings), 5), squeeze=False)
    for draw, axis in zip(drawings, axes[0], strict=True):
        draw(axis)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def draw_overhead(axis: plt.Axes, summaries: list[Summary]) -> None:
    """Bars of the median per database, side by side; a dash marks the p95."""
    databases = list(dict.fromkeys(summary.database for summary in summaries))
    width = 0.8 / len(databases)
    for index, database in enumerate(databases):
        shown = [s for s in summaries if s.database == database]
        offset = (index - (len(databases) - 1) / 2) * width
        positions = [s.strategy.number + offset for s in shown]
        medians = [s.median_seconds * 1e6 for s in shown]
        axis.bar(positions, medians, width, label=database)
        p95s = [s.p95_seconds * 1e6 for s in shown]
        axis.scatter(positions, p95s, marker="_", s=200, color="black", zorder=3)
    numbers = [strategy.number for strategy in STRATEGIES]
    axis.set_xticks(numbers, [strategy.key.replace("_", " ") for strategy in STRATEGIES])
    axis.tick_params(axis="x", labelrotation=25)
    axis.set_yscale("log")
    axis.set_ylabel("µs per test (log scale); dash: p95")
    axis.set_title("Isolation overhead per test, median")
    axis.legend()


def draw_sizes(axis: plt.Axes, points: list[ScalingPoint]) -> None:
    for database in dict.fromkeys(point.database for point in points):
        serial = [p for p in points if p.database == database and p.workers == 0]
        axis.plot([p.tests for p in serial], [p.loop_seconds for p in serial], marker="o")
        axis.annotate(database, (serial[-1].tests, serial[-1].loop_seconds))
    axis.set_xlabel("tests in the suite")
    axis.set_ylabel("seconds (test loop, in process)")
    axis.set_title("Strategy 1: suite time against size")


def draw_workers(axis: plt.Axes, points: list[ScalingPoint], sharded: ShardedLayout | None) -> None:
    """The largest PostgreSQL suite at each -n and, if it ran, each of its shards."""
    parallel = [p for p in points if p.database == POSTGRESQL and p.tests == max_tests(points)]
    axis.bar([f"-n {p.workers}" for p in parallel], [p.wall_seconds for p in parallel])
    title = f"Strategy 1 on PostgreSQL, {max_tests(points)} tests: xdist"
    if sharded is not None:
        shards = sharded.shards
        labels = [f"shard {shard.number}/{len(shards)}" for shard in shards]
        axis.bar(labels, [shard.wall_seconds for shard in shards])
        title += " and shards"
    axis.set_ylabel("seconds (pytest command)")
    axis.set_title(title)
