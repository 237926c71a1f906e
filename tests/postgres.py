"""A throw-away PostgreSQL server (the Debian package's binaries) for tests and benchmarks.

PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` system
user (entered with `setpriv`), on a data folder it owns, listening on 127.0.0.1 and a free port,
with trust authentication for local connections only. Nothing is left behind: `stop()` shuts the
server down and removes its folder.
"""

from __future__ import annotations

import glob
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 30.0
#: Where Debian and Ubuntu install the server binaries (newest version first), then PATH.
_BIN_GLOBS = ("/usr/lib/postgresql/*/bin",)


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed here, or could not be started (the message says which)."""


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres."""
    candidates = sorted(glob.glob(_BIN_GLOBS[0]), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for folder in candidates:
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no initdb/pg_ctl/postgres under /usr/lib/postgresql/*/bin "
        "or on PATH): install the postgresql package (`make system` does it on Debian)")


def _version_key(path: str) -> tuple[int, ...]:
    part = Path(path).parent.name
    return tuple(int(x) for x in part.split(".") if x.isdigit()) or (0,)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """One running server; `url(db)` gives a SQLAlchemy URL (psycopg driver) for a database."""

    bindir: Path
    workdir: Path
    port: int
    user: str
    run_as: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.workdir / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database `name` (dropping an old one) and return its URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _pg_ctl(self, *args: str, timeout: float = _START_TIMEOUT_S) -> subprocess.CompletedProcess:
        cmd = [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.workdir)

    def stop(self) -> None:
        """Shut the server down (fast mode) and remove its folder."""
        try:
            if (self.datadir / "postmaster.pid").exists():
                self._pg_ctl("stop", "-m", "fast", "-w")
        except (OSError, subprocess.TimeoutExpired) as exc:  # still remove the folder
            log.warning("pg_ctl stop failed: %s", exc)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _run_as_unprivileged() -> tuple[list[str], int, int, str]:
    """The command prefix that drops root to the postgres user, its uid and gid, and the role."""
    if os.geteuid() != 0:
        return [], os.geteuid(), os.getegid(), pwd.getpwuid(os.geteuid()).pw_name
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root and there is no `postgres` system user to run "
                                  "PostgreSQL as (it refuses root)") from None
    setpriv = shutil.which("setpriv")
    if not setpriv:
        raise PostgresUnavailable("running as root and `setpriv` is missing, so PostgreSQL "
                                  "(which refuses root) cannot be started as `postgres`")
    prefix = [setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"]
    return prefix, entry.pw_uid, entry.pw_gid, "postgres"


def start_postgres() -> PostgresServer:
    """initdb a temp folder and start a server on 127.0.0.1:<free port>; PostgresUnavailable if not."""
    bindir = find_bindir()
    run_as, uid, gid, user = _run_as_unprivileged()
    workdir = Path(tempfile.mkdtemp(prefix="course-pg-"))
    os.chown(workdir, uid, gid)
    os.chmod(workdir, 0o700)
    env = dict(os.environ, LC_ALL="C", LANG="C")
    server = PostgresServer(bindir, workdir, _free_port(), user, run_as)
    try:
        init = subprocess.run(
            [*run_as, str(bindir / "initdb"), "-D", str(server.datadir), "-U", user,
             "--auth=trust", "--encoding=UTF8", "--no-sync"],
            capture_output=True, text=True, timeout=120, env=env, cwd=workdir)
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-1500:]}")
        options = (f"-c listen_addresses=127.0.0.1 -c port={server.port} "
                   f"-c unix_socket_directories='{workdir}' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        started = server._pg_ctl("start", "-w", "-t", str(int(_START_TIMEOUT_S)), "-o", options,
                                 "-l", str(workdir / "server.log"))
        if started.returncode != 0:
            logtext = (workdir / "server.log").read_text(errors="replace")[-1500:] \
                if (workdir / "server.log").exists() else ""
            raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr.strip()} {logtext}")
    except PostgresUnavailable:
        server.stop()
        raise
    except (OSError, subprocess.TimeoutExpired) as exc:
        server.stop()
        raise PostgresUnavailable(f"PostgreSQL could not be started: {exc}") from exc
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    log.info("PostgreSQL %s listening on 127.0.0.1:%s", bindir, server.port)
    return server
