"""Rendering over an existing project of the same name refuses, and leaves it as it was.

Cookiecutter stops when the project folder already exists (unless told to overwrite with
``-f``). These tests prove the template keeps that promise: non-zero exit status, a message
naming the folder, and every existing file, edits and additions included, byte for byte the
same, whatever the second rendering's answers.
"""

from pathlib import Path

import pytest

from tests.conftest import run_cookiecutter_cli


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize(
    "second_answers",
    [[], ["database=postgresql", "description=Something else entirely"]],
    ids=["same-answers", "other-answers"],
)
def test_second_rendering_refuses_and_changes_nothing(
    tmp_path: Path, second_answers: list[str]
) -> None:
    """Exit status non-zero, "already exists" naming the folder, every file unchanged."""
    first = run_cookiecutter_cli(tmp_path, "project_slug=existing")
    assert first.returncode == 0, first.stderr
    project = tmp_path / "existing"
    (project / "README.md").write_text("# My own notes: do not overwrite\n")
    (project / "src" / "existing" / "extra.py").write_text("MINE = True\n")
    before = snapshot(tmp_path)

    second = run_cookiecutter_cli(tmp_path, "project_slug=existing", *second_answers)

    assert second.returncode != 0
    assert "already exists" in second.stdout + second.stderr
    assert str(project) in second.stdout + second.stderr
    assert snapshot(tmp_path) == before
