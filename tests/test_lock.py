"""The post-generation hook's `uv lock`: every combination comes out with a uv.lock that
`uv sync --locked` accepts, and a project made without uv, or without the package index, is
still made, with one line saying what to run.

The rest of this suite renders with TEMPLATE_SKIP_UV_LOCK set (tests/conftest.py); these tests
unset it."""

import subprocess
from pathlib import Path

import pytest

from tests.conftest import COMBINATIONS, combination_id, render

SKIP_LOCK = "TEMPLATE_SKIP_UV_LOCK"


def sync_check(project: Path) -> subprocess.CompletedProcess[str]:
    """`uv sync --locked` as the generated CI runs it, less the install: it fails if uv.lock is
    missing, incomplete, or does not match pyproject.toml."""
    return subprocess.run(
        ["uv", "sync", "--locked", "--dry-run", "--offline", "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_combination_is_generated_with_a_lock_uv_sync_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each combination's hook writes a uv.lock that `uv sync --locked` accepts offline. The
    first combination locks against the index, which fills uv's cache with every package any
    combination needs; the others lock offline from it (the same hook and `uv lock`, without
    a second's round trip to the index each)."""
    monkeypatch.delenv(SKIP_LOCK)
    # sqlmodel and async between them need every optional package; each database's project
    # lists every driver (its tests' other modes).
    first = next(a for a in COMBINATIONS if (a["orm"], a["api"]) == ("sqlmodel", "async"))
    for answers in [first, *(a for a in COMBINATIONS if a is not first)]:
        project = render(tmp_path / combination_id(answers), **answers).path
        result = sync_check(project)
        assert result.returncode == 0, f"{combination_id(answers)}: {result.stderr}"
        monkeypatch.setenv("UV_OFFLINE", "1")


def unlocked_rendering_warnings(output: Path, capfd: pytest.CaptureFixture[str]) -> list[str]:
    """Renders the default answers into ``output`` (the hook's output is the hook process's
    own, hence ``capfd``): the project is made, without uv.lock; returns its WARNING lines."""
    project = render(output).path
    assert not (project / "uv.lock").exists()
    return [line for line in capfd.readouterr().err.splitlines() if line.startswith("WARNING:")]


def test_generation_without_uv_makes_the_project_and_says_to_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """With no uv on PATH the project is made, without uv.lock, and one WARNING line says to
    install uv and run `uv lock` in the project's folder."""
    monkeypatch.delenv(SKIP_LOCK)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    project = tmp_path / "out" / "hero_service"
    assert unlocked_rendering_warnings(tmp_path / "out", capfd) == [
        f"WARNING: uv not found, so no uv.lock: install uv, then run `uv lock` in {project}"
    ]


def test_generation_without_the_index_makes_the_project_and_says_why_it_is_unlocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """When `uv lock` fails (here: offline, with an empty cache) the project is made, without
    uv.lock, and one WARNING line gives uv's reason and says to run `uv lock` again."""
    monkeypatch.delenv(SKIP_LOCK)
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "empty-cache"))
    project = tmp_path / "out" / "hero_service"
    warnings = unlocked_rendering_warnings(tmp_path / "out", capfd)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("WARNING: `uv lock` failed, so no uv.lock (error: ")
    assert warnings[0].endswith(f"run `uv lock` again in {project}")
