"""The embedded PostgreSQL server of a generated suite (``pytest --postgresql``), as the template's
tests run and inspect it: with nothing of the system's PostgreSQL on PATH, in a temporary folder
of the run's own (``temporary_folder`` in conftest.py), where what a run leaves behind is
plain to see."""

import shutil
import sys
from pathlib import Path
from subprocess import CompletedProcess

from tests.conftest import Rendering, run_python

# Only this environment's programs: no system postgres, initdb, pg_ctl or psql to fall back on.
NO_SYSTEM_POSTGRESQL = str(Path(sys.executable).parent)


def run_pytest(project: Rendering, temporary: Path, *arguments: str) -> CompletedProcess[str]:
    """The generated suite, with nothing of PostgreSQL's on PATH and ``temporary`` as TMPDIR."""
    for program in ("postgres", "initdb", "pg_ctl", "psql"):
        assert shutil.which(program, path=NO_SYSTEM_POSTGRESQL) is None, program
    return run_python(
        project.path,
        "-m",
        "pytest",
        *arguments,
        PATH=NO_SYSTEM_POSTGRESQL,
        TMPDIR=str(temporary),
    )


def server_folders(temporary: Path) -> list[Path]:
    """The embedded servers' folders in ``temporary`` (pytest keeps its own there too)."""
    return list(temporary.glob("embedded-postgresql-*"))


def server_processes(folder: Path) -> list[int]:
    """The PostgreSQL servers whose data is under ``folder`` (their command line names it)."""
    found = []
    for process in Path("/proc").iterdir():
        try:
            command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (process / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # not a process, or one that ended while we looked
        if str(folder) in command and "postgres" in command and state != "Z":
            found.append(int(process.name))
    return found
