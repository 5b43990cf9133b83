"""The READMEs' set-up commands run as written: the template README's command generates, migrates
and serves a project from a copy of the clone, printing where the project is and the generated
README's next commands; the generated README's command serves it again; the template README's
test command is the one CI runs.

A command that ends in a server runs until the server answers, then its process group is
stopped. The one change made to a command: ``--port`` on a free port is added after it (the
server command ends it, and uvicorn and ``fastapi dev`` both take the option), so a run never
takes port 8000 from anyone.
"""

import os
import shlex
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from markdown_it import MarkdownIt

from tests.conftest import TEMPLATE, child_environment
from tests.served import LOCALHOST, get_status, unused_port_below_ephemeral_range, wait_until

SET_UP = "Generate a service and run it (SQLite, no server needed)"
# What the copy of a clone leaves out: git's data, and what running the template's tests adds.
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".*_cache")
# Seconds a command may take to serve: a first `uv run` installs the project's environment
# before the server starts; a later one finds it installed. A server that cannot start may not
# end (uvicorn --reload waits for a fix), so a timeout is how its failure shows.
FIRST_START_TIMEOUT = 180
START_TIMEOUT = 60


def shell_blocks_under(heading: str, markdown: str) -> list[str]:
    """The ``sh`` code blocks of the section (level 2) whose heading is ``heading``."""
    tokens = MarkdownIt().parse(markdown)
    blocks: list[str] = []
    in_section = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            in_section = tokens[index + 1].content == heading
        elif in_section and token.type == "fence" and token.info == "sh":
            blocks.append(token.content.strip())
    return blocks


def user_environment() -> dict[str, str]:
    """A shell's environment on a fresh machine: no virtual environment of ours active, and
    the project locked at generation (the template's other tests skip that)."""
    environment = child_environment()
    for variable in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "TEMPLATE_SKIP_UV_LOCK"):
        environment.pop(variable, None)
    return environment


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """What Ctrl+C does to a terminal's command: every process it started stops."""
    for stop, wait in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, stop)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def accepts_connections(port: int) -> bool:
    """Whether something listens on ``port``: far cheaper to ask, many times a second, than an
    HTTP request with a new client."""
    with socket.socket() as probe:
        return probe.connect_ex((LOCALHOST, port)) == 0


def answers_health(process: subprocess.Popen[bytes], port: int) -> bool:
    """Whether the command ended (to fail fast) or its server answers /health/live."""
    if process.poll() is not None:
        return True
    base_url = f"http://{LOCALHOST}:{port}"
    return accepts_connections(port) and get_status(base_url, "/health/live", 2) == 200


@contextmanager
def serving(command: str, folder: Path, log: Path, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """``command`` run by a shell in ``folder`` until its server answers /health/live; yields
    the server's base URL, and stops every process the command started afterwards."""
    port = unused_port_below_ephemeral_range()
    base_url = f"http://{LOCALHOST}:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", "-c", f"{command} --port {port}"],
            cwd=folder,
            env=user_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_until(lambda: answers_health(process, port), timeout=timeout, what=command)
        except AssertionError as error:
            raise AssertionError(f"{error}; its output:\n{log.read_text()}") from None
        assert process.poll() is None, log.read_text()
        yield base_url
    finally:
        stop_process_group(process)


def test_the_readmes_set_up_commands_generate_and_serve_as_written(tmp_path: Path) -> None:
    """In a copy of the clone, the template README's command generates the project beside it,
    prints its path and the generated README's commands to run it and its tests, migrates and
    serves it; in the project, the generated README's command serves it again."""
    clone = tmp_path / "clone"
    shutil.copytree(TEMPLATE, clone, ignore=NOT_IN_A_CLONE)
    generate_and_serve, _ = shell_blocks_under(SET_UP, (clone / "README.md").read_text())
    project = tmp_path / "hero_service"
    log = tmp_path / "set-up.log"

    with serving(generate_and_serve, clone, log, FIRST_START_TIMEOUT) as base_url:
        assert get_status(base_url, "/health/ready") == 200  # migrated
        assert get_status(base_url, "/docs") == 200

    readme = (project / "README.md").read_text()
    run_it = shell_blocks_under("Run it", readme)[0]
    test_it = shell_blocks_under("Test it", readme)[0]
    printed = log.read_text()
    where = project.resolve()  # as the hook finds it: its working folder
    assert f"Generated {where}\n" in printed
    commands = [f"cd {shlex.quote(str(where))}", *run_it.splitlines(), *test_it.splitlines()]
    assert "\n".join(f"    {command}" for command in commands) in printed

    with serving(run_it, project, tmp_path / "run-it.log") as base_url:
        assert get_status(base_url, "/health/ready") == 200


def test_the_template_readmes_test_command_is_the_one_ci_runs() -> None:
    """The template README's second set-up command is a line .ci/run runs, on a clean clone
    (running it here would run this suite inside itself)."""
    _, run_the_tests = shell_blocks_under(SET_UP, (TEMPLATE / "README.md").read_text())

    assert run_the_tests in (TEMPLATE / ".ci" / "run").read_text().splitlines()
