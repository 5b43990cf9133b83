"""The generated Dockerfile: hadolint finds nothing in it, and its build and start commands,
performed outside a container (there is no container engine here), serve the app.

The build is replayed from the Dockerfile itself, instruction by instruction: the same `uv sync`
command lines in the same order, with the same files present, the same environment, and the
same command line to serve. Container paths under /app map to one fresh folder, which both
stages share, as they share /app in the image.
"""

import itertools
import json
import re
import shlex
import shutil
import socket
import string
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.conftest import Rendering, child_environment
from tests.served import LOCALHOST, get_status, package_name, wait_until_serving

APP = "/app"
# The runtime stage's account and ownership commands need root and a container; replaying
# them here would change nothing the build or the start depend on.
NOT_REPLAYED = {"groupadd", "useradd", "chown"}
# Instructions that change nothing a build here performs: the tests below check or run them.
LEFT_TO_THE_TESTS = {"ARG", "EXPOSE", "USER", "HEALTHCHECK", "CMD"}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def instructions(dockerfile: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    logical = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        Instruction(keyword.upper(), arguments.strip())
        for keyword, _, arguments in (line.strip().partition(" ") for line in logical.splitlines())
        if keyword
    ]


def stages(dockerfile: str) -> list[list[Instruction]]:
    """The instructions of each build stage, its FROM first (the ARGs before any FROM dropped)."""
    found: list[list[Instruction]] = []
    for instruction in instructions(dockerfile):
        if instruction.keyword == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def options_and_words(arguments: str) -> tuple[dict[str, str], list[str]]:
    """An instruction's leading `--name=value` options, and the words after them."""
    words = shlex.split(arguments)
    options = {}
    while words and words[0].startswith("--"):
        name, _, value = words.pop(0)[2:].partition("=")
        options.setdefault(name, value)
    return options, words


def bind_mounts(arguments: str) -> list[str]:
    """The sources of a RUN's `--mount=type=bind` options (files of the build context)."""
    mounts = (
        dict(part.split("=", 1) for part in word[8:].split(","))
        for word in shlex.split(arguments)
        if word.startswith("--mount=")
    )
    return [mount["source"] for mount in mounts if mount["type"] == "bind"]


class Replay:
    """Performs a Dockerfile's instructions, /app being ``root``."""

    def __init__(self, context: Path, root: Path) -> None:
        self.context = context
        self.root = root
        self.included = dockerignore_allowlist(context / ".dockerignore")
        self.workdir = root
        self.environment: dict[str, str] = {}

    def host_path(self, path: str) -> Path:
        """A path in the image as a path here (one outside /app is no part of the test)."""
        if not path.startswith("/"):
            return self.workdir / path
        return self.root / Path(path).relative_to(APP)

    def expand(self, value: str) -> str:
        """``$NAME`` from the environment so far; /app as the root folder."""
        value = string.Template(value).safe_substitute(self.process_environment())
        return re.sub(r"(?<![\w.])/app(?=/|:|$)", str(self.root), value)

    def stage(self, stage: list[Instruction], kept: set[str]) -> None:
        """A new stage: its own environment; of /app, only the ``kept`` names it copies from
        the earlier stage (at the same place, so a virtual environment stays valid)."""
        self.environment = {}
        self.workdir = self.root
        for entry in list(self.root.iterdir()):
            if entry.name not in kept:
                remove(entry)
        performed = {
            "ENV": self.env,
            "WORKDIR": self.change_workdir,
            "COPY": self.copy,
            "RUN": self.run,
        }
        for instruction in stage[1:]:
            if instruction.keyword in performed:
                performed[instruction.keyword](instruction.arguments)
            else:
                assert instruction.keyword in LEFT_TO_THE_TESTS, instruction

    def change_workdir(self, arguments: str) -> None:
        self.workdir = self.host_path(arguments)
        self.workdir.mkdir(parents=True, exist_ok=True)

    def env(self, arguments: str) -> None:
        for word in shlex.split(arguments):
            name, _, value = word.partition("=")
            self.environment[name] = self.expand(value)

    def copy(self, arguments: str) -> None:
        options, words = options_and_words(arguments)
        *sources, destination = words
        if "from" in options:
            # From an image (uv: on PATH here), or the earlier stage's /app, which stage() kept.
            return
        for source in sources:
            self.copy_from_context(source, self.host_path(destination))

    def copy_from_context(self, source: str, destination: Path) -> None:
        """Like COPY: a file, or a folder's contents, that .dockerignore lets in."""
        if source == ".":
            for name in self.included:
                self.copy_from_context(name, destination / name)
            return
        assert source.rstrip("/") in self.included, f"{source} is outside the build context"
        path = self.context / source
        if path.is_dir():
            shutil.copytree(path, destination, ignore=IGNORED_IN_CONTEXT, dirs_exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, destination)

    def run(self, arguments: str) -> None:
        """Each `&&`-joined command, with its bind-mounted files present only meanwhile."""
        mounted = bind_mounts(arguments)
        for source in mounted:
            self.copy_from_context(source, self.workdir / source)
        _, words = options_and_words(arguments)
        for is_separator, command in itertools.groupby(words, key=lambda word: word == "&&"):
            if not is_separator:
                self.run_command(list(command))
        for source in mounted:
            (self.workdir / source).unlink()

    def run_command(self, command: list[str]) -> None:
        """uv and mkdir performed; account and ownership commands passed over."""
        program, *arguments = command
        if program in NOT_REPLAYED:
            return
        if program == "mkdir":
            for path in arguments:
                if not path.startswith("-"):
                    self.host_path(path).mkdir(parents=True, exist_ok=True)
            return
        assert program == "uv", f"the test cannot replay `{shlex.join(command)}`"
        result = subprocess.run(
            [uv(), *arguments],
            cwd=self.workdir,
            env=self.process_environment(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{shlex.join(command)}\n{result.stderr}"

    def process_environment(self, **variables: str) -> dict[str, str]:
        """What a process in the image sees; this interpreter stands in for the image's Python."""
        environment = child_environment(UV_PYTHON=sys.executable)
        for leaked in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONPATH"):
            environment.pop(leaked, None)
        return {**environment, **self.environment, **variables}


IGNORED_IN_CONTEXT = shutil.ignore_patterns("__pycache__")


def dockerignore_allowlist(path: Path) -> list[str]:
    """The names a .dockerignore of the form `*`, then `!name` lines, lets into the context."""
    patterns = [
        line.strip() for line in path.read_text().splitlines() if line.strip()[:1] not in ("", "#")
    ]
    assert patterns[0] == "*", "the .dockerignore lets in only what it names"
    assert set(patterns[1:]) - {"**/__pycache__"} == {p for p in patterns if p.startswith("!")}
    return [pattern[1:].rstrip("/") for pattern in patterns if pattern.startswith("!")]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def uv() -> str:
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is not on PATH: install it with `pip install uv`")
    return found


def exec_form(arguments: str) -> list[str]:
    """The JSON array of a CMD (or of HEALTHCHECK ... CMD)."""
    return json.loads(arguments[arguments.index("[") :])


@dataclass(frozen=True)
class Image:
    """A replayed build: /app of the runtime stage, its environment, its instructions."""

    root: Path
    replay: Replay
    runtime: list[Instruction]

    def last(self, keyword: str) -> str:
        """The arguments of the runtime stage's last ``keyword`` instruction (the one in force)."""
        return [i.arguments for i in self.runtime if i.keyword == keyword][-1]


def copied_from(earlier: list[Instruction], stage: list[Instruction]) -> set[str]:
    """The names under /app ``stage`` copies from the ``earlier`` one, each to the same path."""
    earlier_name = earlier[0].arguments.split()[-1]  # FROM image AS name
    kept = set()
    for instruction in stage:
        options, words = options_and_words(instruction.arguments)
        if instruction.keyword == "COPY" and options.get("from") == earlier_name:
            source, destination = words
            assert source == destination, f"the test keeps {source} where it is: {instruction}"
            kept.add(Path(source).relative_to(APP).parts[0])
    return kept


def build(project: Path, folder: Path) -> Image:
    """``project`` built as its Dockerfile says, in ``folder`` (one build: it is the slow part)."""
    context = folder / "context"
    shutil.copytree(project, context, ignore=IGNORED_IN_CONTEXT)
    if not (context / "uv.lock").exists():
        lock = subprocess.run(
            [uv(), "lock", "--quiet"],
            cwd=context,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert lock.returncode == 0, lock.stderr
    build_stage, runtime_stage = stages((context / "Dockerfile").read_text())[-2:]
    replay = Replay(context, folder / "app")
    replay.root.mkdir()
    replay.stage(build_stage, kept=set())
    replay.stage(runtime_stage, kept=copied_from(build_stage, runtime_stage))
    return Image(replay.root, replay, runtime_stage)


@contextmanager
def serving(image: Image, log: Path) -> Iterator[str]:
    """The image's CMD as written, on a socket bound here (UVICORN_FD, as `docker run -e`
    would set it), its output in ``log``; yields the base URL."""
    listener = socket.create_server((LOCALHOST, 0))
    port = str(listener.getsockname()[1])
    environment = image.replay.process_environment(
        UVICORN_FD=str(listener.fileno()), UVICORN_PORT=port
    )
    command = exec_form(image.last("CMD"))
    with listener, log.open("w") as output:
        process = subprocess.Popen(
            [shutil.which(command[0], path=environment["PATH"]) or command[0], *command[1:]],
            cwd=image.root,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    base_url = f"http://{LOCALHOST}:{port}"
    try:
        wait_until_serving(process, base_url, log, what="the image's CMD to answer /health/live")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=15)


def run_in_image(image: Image, command: list[str], **variables: str) -> CompletedProcess[str]:
    """A command as `docker run IMAGE <command>` runs it: in /app, with the image's environment."""
    environment = image.replay.process_environment(**variables)
    return subprocess.run(
        [shutil.which(command[0], path=environment["PATH"]) or command[0], *command[1:]],
        cwd=image.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def migration_command(dockerfile: str, slug: str) -> list[str]:
    """The migration step the Dockerfile's header documents (`docker run ... IMAGE <command>`)."""
    found = re.search(rf"^#\s+docker run --rm .*? {slug} (\w.*)$", dockerfile, re.MULTILINE)
    assert found, "the Dockerfile documents its migration step"
    return shlex.split(found[1])


def test_hadolint_finds_nothing(rendering: Rendering) -> None:
    """hadolint reports no finding in the Dockerfile, at any level down to style."""
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("hadolint")),
            "--disable-ignore-pragma",
            "--failure-threshold",
            "style",
            "--format",
            "json",
            "Dockerfile",
        ],
        cwd=rendering.path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert json.loads(result.stdout or "[]") == [], result.stdout
    assert result.returncode == 0, result.stderr


def assert_holds_the_runtime_dependencies_compiled_and_no_sources(
    image: Image, package: str
) -> None:
    """/app holds the virtual environment and the migrations, not the sources; the project is
    installed with its bytecode compiled, and no dev dependency is."""
    assert sorted(entry.name for entry in image.root.iterdir()) == [
        ".venv",
        "alembic.ini",
        "data",
        "migrations",
    ]
    (site_packages,) = image.root.glob(".venv/lib/python*/site-packages")
    assert list((site_packages / package / "__pycache__").glob("main.*.pyc"))
    assert not (site_packages / "_pytest").exists()


def test_the_images_build_migrate_and_serve_commands_work(
    default_rendering: Rendering, tmp_path: Path
) -> None:
    """Replayed from the Dockerfile: the image holds the locked runtime dependencies compiled,
    no dev one and no sources; its migration step, then its CMD as written, serve 200 at
    /health/live, and its HEALTHCHECK passes."""
    image = build(default_rendering.path, tmp_path)
    assert_holds_the_runtime_dependencies_compiled_and_no_sources(
        image, package_name(default_rendering)
    )
    dockerfile = (default_rendering.path / "Dockerfile").read_text()
    migrate = run_in_image(image, migration_command(dockerfile, default_rendering.path.name))
    assert migrate.returncode == 0, migrate.stderr
    with serving(image, tmp_path / "server.log") as base_url:
        assert get_status(base_url, "/health/live") == 200
        port = base_url.rsplit(":", 1)[1]
        check = run_in_image(image, exec_form(image.last("HEALTHCHECK")), UVICORN_PORT=port)
        assert check.returncode == 0, check.stderr


def test_the_image_runs_as_a_user_without_privileges(default_rendering: Rendering) -> None:
    """The runtime stage's USER is a numeric id other than root's, so an orchestrator can
    check that it is not root."""
    runtime = stages((default_rendering.path / "Dockerfile").read_text())[-1]
    user = [i.arguments for i in runtime if i.keyword == "USER"][-1]
    uid, _, gid = user.partition(":")
    for number in filter(None, (uid, gid)):
        assert number.isdigit(), user
        assert int(number) != 0, user
