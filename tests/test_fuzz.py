"""Schemathesis fuzzes every operation of a generated app's OpenAPI schema, in-process.

tests/fuzzing/fuzz_openapi.py is copied into a rendered project (two of them: the default
options, and every option's last choice) and run with pytest there: the production app
(create_app on a temporary SQLite file migrated to head by Alembic, lifespan running, nothing
overridden) is called through ASGI with generated valid and invalid requests. Proves: no 5xx,
and every status code, content type, header and body is one the schema documents, for every
operation the schema has; and every method a path does not document answers 405 with an Allow
header naming exactly the path's methods. (schemathesis alone took an empty Allow header for a
present one, and sends undocumented methods only in a phase the pytest integration skips: the
405s are asserted by a test of their own in fuzz_openapi.py.)
"""

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import (
    OPTIONS,
    Rendering,
    assert_suite_passed,
    combination_id,
    render,
    run_python,
)
from tests.served import package_name

FUZZ_MODULE = Path(__file__).parent / "fuzzing" / "fuzz_openapi.py"
# Two renderings between them give every option each of its first and last values (the
# defaults, and say sqlalchemy + async): every way of writing the endpoints is fuzzed.
FUZZED_COMBINATIONS = [
    {option: str(choices[0]) for option, choices in OPTIONS.items()},
    {option: str(choices[-1]) for option, choices in OPTIONS.items()},
]


@pytest.fixture(scope="module", params=FUZZED_COMBINATIONS, ids=combination_id)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    rendering = render(tmp_path_factory.mktemp("fuzz"), **request.param)
    shutil.copy(FUZZ_MODULE, rendering.path / FUZZ_MODULE.name)
    return rendering


def documented_operations(project: Rendering) -> set[str]:
    """``METHOD /path`` for every operation in the app's OpenAPI schema."""
    script = (
        f"import json; from {package_name(project)}.main import create_app; "
        "print(json.dumps(create_app().openapi()['paths']))"
    )
    result = run_python(project.path, "-c", script)
    assert result.returncode == 0, result.stderr
    paths: dict[str, dict[str, object]] = json.loads(result.stdout)
    return {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}


def test_every_operation_survives_fuzzing(project: Rendering, tmp_path: Path) -> None:
    """Schemathesis passes on every operation the schema documents, none left out."""
    report = tmp_path / "sent.json"
    result = run_python(
        project.path,
        "-m",
        "pytest",
        FUZZ_MODULE.name,
        "-v",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        FUZZ_PACKAGE=package_name(project),
        FUZZ_REPORT=str(report),
        PYTEST_ADDOPTS="",  # the schemathesis plugin, which child_environment leaves out
    )

    assert_suite_passed(result)
    sent: dict[str, int] = json.loads(report.read_text())
    print(f"requests sent per operation: {sent}")
    assert set(sent) == documented_operations(project)
