"""The GitHub configuration of every generated project, and the template's own: zizmor (a
static analyser for GitHub Actions) finds nothing in it, GitHub's schemas accept it, and the
generated CI installs from uv.lock."""

import subprocess
import sysconfig
from pathlib import Path

import yaml
from check_jsonschema import main as check_jsonschema
from click.testing import CliRunner

from tests.conftest import TEMPLATE, Rendering

ZIZMOR = Path(sysconfig.get_path("scripts")) / "zizmor"
# The vendored schemas check-jsonschema ships for each file, by its path in .github/.
SCHEMAS = {
    "workflows/ci.yml": "vendor.github-workflows",
    "dependabot.yml": "vendor.dependabot",
}


def zizmor_report(github: Path) -> subprocess.CompletedProcess[str]:
    """zizmor's audits of the workflows and dependabot.yml in ``github``, offline."""
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", str(github)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_no_zizmor_findings(github: Path) -> None:
    result = zizmor_report(github)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout


def assert_schemas_accept(github: Path) -> None:
    """check-jsonschema, run in this process (it takes most of a second to start)."""
    for relative, schema in SCHEMAS.items():
        result = CliRunner().invoke(
            check_jsonschema, ["--builtin-schema", schema, str(github / relative)]
        )
        assert result.exit_code == 0, f"{relative}: {result.output}"


def test_generated_workflow_and_dependabot_have_no_zizmor_findings(rendering: Rendering) -> None:
    """zizmor --offline finds nothing in the generated .github/: actions pinned to commit
    hashes, least-privilege token permissions, no persisted credentials, no injection."""
    assert_no_zizmor_findings(rendering.path / ".github")


def test_generated_workflow_and_dependabot_match_githubs_schemas(rendering: Rendering) -> None:
    """The generated workflow and dependabot.yml validate against the schemas GitHub's files
    are checked with (check-jsonschema's vendor.github-workflows and vendor.dependabot)."""
    assert_schemas_accept(rendering.path / ".github")


def test_generated_ci_installs_from_the_lock_before_running_anything(
    rendering: Rendering,
) -> None:
    """Every generated job that runs `uv run` has first run `uv sync --locked`, which fails on
    a uv.lock that does not match pyproject.toml instead of quietly resolving anew."""
    workflow = yaml.safe_load((rendering.path / ".github/workflows/ci.yml").read_text())
    for name, job in workflow["jobs"].items():
        commands = [step["run"] for step in job["steps"] if "run" in step]
        uses_uv = [i for i, command in enumerate(commands) if command.startswith("uv run")]
        if uses_uv:
            assert commands[: uses_uv[0]] == ["uv sync --locked"], f"{name}: {commands}"


def test_template_workflow_and_dependabot_pass_zizmor_and_schemas() -> None:
    """The template's own .github/ passes the same checks as the generated projects'."""
    assert_no_zizmor_findings(TEMPLATE / ".github")
    assert_schemas_accept(TEMPLATE / ".github")
