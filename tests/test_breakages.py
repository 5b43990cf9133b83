"""Mutation proof: each deliberate breakage of tests/breakages.py makes its catching tests fail.

Each breakage is applied to a copy of one shared rendering (sqlmodel + sync, and sqlalchemy +
async where the broken code differs), and only the generated tests that must catch it run
there, in file order: every one of them must fail, and the run must end in test failures,
not in an error of the edit itself. The README's table is checked against tests/breakages.py.
"""

import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.breakages import BREAKAGES, END_OF_RUN_MESSAGES, Breakage, Edit
from tests.conftest import (
    CHILD_PYTEST_OPTIONS,
    TEMPLATE,
    Rendering,
    assert_suite_passed,
    drop_database,
    render,
    run_python,
)
from tests.served import package_name

STYLES = {
    "sync": {"orm": "sqlmodel", "api": "sync"},
    "async": {"orm": "sqlalchemy", "api": "async"},
}
CASES = [
    pytest.param(breakage, api, id=f"{breakage.name}-{api}")
    for breakage in BREAKAGES
    for api in STYLES
    if api == "sync" or breakage.asynchronous is not None
]
# "FAILED tests/test_x.py::test_y[two] - message" or "ERROR ...": pytest's short summary.
SUMMARY_LINE = re.compile(r"^(?:FAILED|ERROR) tests/(\S+?)(?:\[\S*\])?(?: - (.*))?$", re.MULTILINE)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Rendering]:
    """The rendering of each API style, made the first time a breakage asks for it."""

    @cache
    def rendering(api: str) -> Rendering:
        return render(tmp_path_factory.mktemp(f"breakages-{api}"), **STYLES[api])

    return rendering


def apply(edit: Edit, project: Path, package: str) -> None:
    path = project / edit.file.format(package=package)
    text = path.read_text()
    assert text.count(edit.old) == 1, f"{edit.file}: {edit.old!r} is not there exactly once"
    path.write_text(text.replace(edit.old, edit.new))


def broken_copy(rendering: Rendering, edits: tuple[Edit, ...], folder: Path) -> Path:
    project = Path(shutil.copytree(rendering.path, folder / rendering.path.name))
    for edit in edits:
        apply(edit, project, package_name(rendering))
    return project


def catchers_in(output: str) -> set[str]:
    """The failing tests of a run's summary, and the end-of-run checks that failed."""
    caught = set()
    for test, message in SUMMARY_LINE.findall(output):
        checks = [name for name, text in END_OF_RUN_MESSAGES.items() if text in message]
        caught |= set(checks) or {test}
    return caught


@pytest.fixture
def database_variables(
    request: pytest.FixtureRequest, breakage: Breakage
) -> Iterator[dict[str, str]]:
    """TEST_DATABASE_URL for a server-only breakage (a database of its own, dropped after)."""
    if breakage.backend == "sqlite":
        yield {}
        return
    server: URL = request.getfixturevalue(f"{breakage.backend}_server")
    name = f"breakage_{uuid.uuid4().hex[:8]}_test"
    yield {"TEST_DATABASE_URL": server.set(database=name).render_as_string(hide_password=False)}
    drop_database(server, name)


@pytest.mark.parametrize(("breakage", "api"), CASES)
def test_the_generated_suite_catches_the_breakage(
    breakage: Breakage,
    api: str,
    pristine: Callable[[str], Rendering],
    database_variables: dict[str, str],
    tmp_path: Path,
) -> None:
    """The tests named as catchers of the breakage all fail once it is applied."""
    edits = breakage.sync if api == "sync" else breakage.asynchronous
    assert edits is not None
    project = broken_copy(pristine(api), edits, tmp_path)
    workers = ["-n", str(breakage.workers)] if breakage.workers else []

    result = run_python(
        project,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:randomly",
        *workers,
        *breakage.tests_run,
        # Summary lines as long as their message, and no Hypothesis plugin to import.
        COLUMNS="1000",
        PYTEST_ADDOPTS=f"{CHILD_PYTEST_OPTIONS} -p no:hypothesispytest",
        **database_variables,
    )

    caught = catchers_in(result.stdout)
    print(f"{breakage.name} ({api}) caught by: {sorted(caught)}")
    report = result.stdout[-4000:] + result.stderr[-2000:]
    assert result.returncode == 1, report  # 1: tests failed (not a usage or collection error)
    assert set(breakage.caught_by) <= caught, report


# The tests whose verdict a test order could sway: the catchers of every SQLite breakage.
CATCHERS_ON_SQLITE = sorted(
    {test for b in BREAKAGES if b.backend == "sqlite" for test in b.tests_run}
)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_catchers_pass_in_any_order(seed: int, pristine: Callable[[str], Rendering]) -> None:
    """Unbroken, the catching tests and the end-of-run checks pass in five random orders: no
    verdict depends on what ran before (a leak check that runs first proves nothing)."""
    result = run_python(
        pristine("sync").path,
        "-m",
        "pytest",
        "-q",
        f"--randomly-seed={seed}",
        *CATCHERS_ON_SQLITE,
    )

    assert_suite_passed(result)


def readme_table() -> dict[str, tuple[set[str], str]]:
    """The README's breakage table: each breakage's catchers, and the styles it was run in."""
    rows = re.findall(
        r"^\| `([\w-]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$",
        (TEMPLATE / "README.md").read_text(),
        re.MULTILINE,
    )
    return {
        name: (set(re.findall(r"`([\w.]+::\w+)`", catchers)), styles.strip())
        for name, catchers, styles in rows
    }


def styles_of(breakage: Breakage) -> str:
    backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MariaDB"}[breakage.backend]
    apis = "sync, async" if breakage.asynchronous is not None else "sync"
    return f"{apis} on {backend}"


def test_the_readme_reports_every_breakage_and_its_catchers() -> None:
    """The README's table lists every breakage, with its catching tests and where it runs."""
    assert readme_table() == {
        breakage.name: (set(breakage.caught_by), styles_of(breakage)) for breakage in BREAKAGES
    }
