"""Remove the files that belong to options this project did not choose, lock the project's
dependencies (uv.lock) so every install of it gets the same versions, and tell the user where
the project is and what to run next."""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ORM = {{ cookiecutter.orm | quoted }}
DATABASE = {{ cookiecutter.database | quoted }}
PACKAGE = Path("src") / {{ cookiecutter.package_name | quoted }}


def remove_compose_file_for_sqlite() -> None:
    """compose.yaml starts a database server for development; SQLite needs none."""
    if DATABASE == "sqlite":
        Path("compose.yaml").unlink()


def remove_schemas_module_unless_sqlalchemy() -> None:
    """SQLModel classes are their own API schemas; plain SQLAlchemy models need Pydantic ones."""
    if ORM != "sqlalchemy":
        (PACKAGE / "schemas.py").unlink()


# The template's own tests render projects by the dozen: each `uv lock` asks the package index
# about every dependency (a second or more), so they skip it; tests/test_lock.py locks every
# combination for real.
SKIP_LOCK_VARIABLE = "TEMPLATE_SKIP_UV_LOCK"


def lock_dependencies() -> None:
    """Write uv.lock, so that `uv sync --locked` installs the versions resolved today. Without
    uv, or without the package index, the project is still made and one line says what to run."""
    if os.environ.get(SKIP_LOCK_VARIABLE):
        return
    uv = shutil.which("uv")
    if uv is None:
        warn("uv not found, so no uv.lock: install uv, then run `uv lock`")
        return
    result = subprocess.run([uv, "lock", "--quiet"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[0]
        warn(f"`uv lock` failed, so no uv.lock ({reason}): run `uv lock` again")


def warn(problem: str) -> None:
    """One line on stderr, saying where to run the command it names."""
    print(f"WARNING: {problem} in {Path.cwd()}", file=sys.stderr)


def first_commands_under(heading: str, readme: str) -> list[str]:
    """The lines of the first ```sh block under ``heading`` in the README."""
    section = readme.split(f"\n{heading}\n", 1)[1]
    return section.split("```sh\n", 1)[1].split("\n```", 1)[0].splitlines()


def next_steps(project: Path) -> str:
    """Where the project is, and its README's commands to run it and then its tests: read
    from the README, so the two never disagree."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    commands = [
        f"cd {shlex.quote(str(project))}",
        *first_commands_under("## Run it", readme),
        *first_commands_under("## Test it", readme),
    ]
    steps = "\n".join(f"    {command}" for command in commands)
    return (
        f"Generated {project}\n"
        f"Next: run the service (Ctrl+C stops it), then its tests, as README.md says:\n{steps}"
    )


def print_next_steps() -> None:
    print(next_steps(Path.cwd()))  # cookiecutter runs this hook in the project's folder


if __name__ == "__main__":
    remove_compose_file_for_sqlite()
    remove_schemas_module_unless_sqlalchemy()
    lock_dependencies()
    print_next_steps()
