"""A project generated with cruft takes a later change of the template with `cruft update`."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEMPLATE, child_environment, isolated_cookiecutter_config

# What cookiecutter reads of the template.
TEMPLATE_FILES = (
    "cookiecutter.json",
    "hooks",
    "local_extensions.py",
    "{{cookiecutter.project_slug}}",
)
TEMPLATE_CHANGE = "# A line the template added after the project was generated.\n"
TEAMS_EDIT = "# A line the project's team added.\n"
# aiomysql's wheel (0.3.2) installs a top-level `examples` folder, and cruft imports
# `examples.example` when it can (an optional decorator): it would run aiomysql's example, which
# connects to MySQL. Blocked, cruft falls back to a no-op. A user's `uvx cruft` has no aiomysql.
CRUFT = "import sys; sys.modules['examples'] = None; from cruft._cli import app; app()"
# Commits by a known author, and no user or system git configuration (hooks, signing).
GIT_ENVIRONMENT = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(folder: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", *arguments],
        cwd=folder,
        env=child_environment(**GIT_ENVIRONMENT),
        capture_output=True,
        check=True,
        timeout=60,
    )


def commit_everything(folder: Path, message: str) -> None:
    git(folder, "add", "--all")
    git(folder, "commit", "--quiet", "--message", message)


def cruft(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The cruft command line, run in ``folder``."""
    return subprocess.run(
        [sys.executable, "-c", CRUFT, *arguments],
        cwd=folder,
        env=child_environment(**GIT_ENVIRONMENT),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def scratch_template(folder: Path) -> Path:
    """A copy of the template in a git repository of its own, committed."""
    folder.mkdir()
    for name in TEMPLATE_FILES:
        source = TEMPLATE / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, folder / name, ignore=ignored)
        else:
            shutil.copy(source, folder / name)
    git(folder, "init", "--quiet")
    commit_everything(folder, "The template as it is")
    return folder


def append(path: Path, line: str) -> None:
    with path.open("a") as file:
        file.write(line)


def test_cruft_update_brings_a_template_change_and_keeps_the_teams_edit(tmp_path: Path) -> None:
    """cruft create, the team commits an edit, the template commits a change: `cruft check`
    says the project is behind, `cruft update -y` brings the change and keeps the edit, and
    `cruft check` then says it is current."""
    template = scratch_template(tmp_path / "template")
    projects = tmp_path / "projects"
    config = isolated_cookiecutter_config(projects)
    arguments = ("--no-input", "--output-dir", str(projects), "--config-file", str(config))
    created = cruft(tmp_path, "create", *arguments, str(template))
    assert created.returncode == 0, created.stderr
    (project,) = (path for path in projects.iterdir() if (path / ".cruft.json").exists())
    git(project, "init", "--quiet")
    commit_everything(project, "Generated with cruft")
    (main,) = project.glob("src/*/main.py")
    append(main, TEAMS_EDIT)
    commit_everything(project, "The team's own edit")

    append(template / "{{cookiecutter.project_slug}}" / "tests" / "conftest.py", TEMPLATE_CHANGE)
    commit_everything(template, "A change to the conftest")
    behind = cruft(project, "check")
    assert behind.returncode != 0, behind.stdout

    updated = cruft(project, "update", "-y")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (project / "tests" / "conftest.py").read_text().endswith(TEMPLATE_CHANGE)
    assert main.read_text().endswith(TEAMS_EDIT)
    current = cruft(project, "check")
    assert current.returncode == 0, current.stdout + current.stderr
