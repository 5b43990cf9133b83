"""The generated docs/testing.md: every test it names exists and is tied to a breakage that it
catches, and its SQL log is real."""

import re

from tests.breakages import BY_NAME
from tests.conftest import Rendering, assert_suite_passed, run_python

# `test_file.py::test_name` or `test_file.py::test_name[parameters]`, as the guide cites them.
NAMED_TEST = re.compile(r"`(test_\w+\.py::test_\w+(?:\[[\w-]+\])?)`")
# A cited test and its tie: "(breakage `name`)", "(breakages `a`, `b`)" or "(demonstration)".
TIED_TEST = re.compile(
    r"`(test_\w+\.py::test_\w+)(?:\[[\w-]+\])?`\s+\((demonstration|breakages?\s[^)]*)\)"
)
# Every breakage the guide names, after a test or on its own (the end-of-run checks).
NAMED_BREAKAGES = re.compile(r"\(breakages?\s([^)]*)\)")
# The pasted log: a marker naming the test, then a fenced block with its --sql-log output.
PASTED_LOG = re.compile(r"<!-- sql-log: (\S+) -->\n```text\n(.*?)```", re.DOTALL)


def guide(rendering: Rendering) -> str:
    return (rendering.path / "docs" / "testing.md").read_text()


# The database answer changes no generated test (tests/test_rendering.py checks it), so the
# tests collected in one rendering of an orm and api pair are every such rendering's.
COLLECTED: dict[tuple[str, str], set[str]] = {}


def collected_tests(rendering: Rendering) -> set[str]:
    """Each test the generated suite collects, as file::name, with and without parameters."""
    pair = (rendering.answers["orm"], rendering.answers["api"])
    if pair not in COLLECTED:
        result = run_python(
            rendering.path, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        ids = {line.removeprefix("tests/") for line in result.stdout.splitlines() if "::" in line}
        COLLECTED[pair] = ids | {test_id.split("[")[0] for test_id in ids}
    return COLLECTED[pair]


def test_every_test_the_guide_names_exists(rendering: Rendering) -> None:
    """Each `file.py::test` the guide cites as proof is collected in every combination."""
    named = set(NAMED_TEST.findall(guide(rendering)))

    assert len(named) >= 15, named
    assert named - collected_tests(rendering) == set()


def test_every_test_the_guide_cites_fails_under_the_breakage_it_is_tied_to(
    default_rendering: Rendering,
) -> None:
    """Each cited test carries its tie, and each breakage it names (tests/breakages.py) lists
    that test among the ones it makes fail: the citation proves the claim's fix matters."""
    text = guide(default_rendering)
    ties = TIED_TEST.findall(text)
    named_breakages = {
        name for names in NAMED_BREAKAGES.findall(text) for name in re.findall(r"`([\w-]+)`", names)
    }

    cited = {test.split("[")[0] for test in NAMED_TEST.findall(text)}
    assert cited == {test for test, _tie in ties}, "a cited test without its tie"
    assert named_breakages - set(BY_NAME) == set()
    untied = {
        (test, name)
        for test, tie in ties
        if tie != "demonstration"
        for name in re.findall(r"`([\w-]+)`", tie)
        if test not in BY_NAME[name].caught_by
    }
    assert untied == set()


def test_the_readme_links_the_guide(default_rendering: Rendering) -> None:
    """The generated README sends its reader to docs/testing.md."""
    assert "(docs/testing.md)" in (default_rendering.path / "README.md").read_text()


def test_the_guides_sql_log_is_what_the_test_prints(default_rendering: Rendering) -> None:
    """Running the test the guide names with --sql-log prints exactly the pasted log."""
    match = PASTED_LOG.search(guide(default_rendering))
    assert match, "the guide pastes no --sql-log output"
    test_id, pasted = match.groups()

    result = run_python(default_rendering.path, "-m", "pytest", "--sql-log", test_id)

    assert_suite_passed(result)
    assert pasted in result.stdout
