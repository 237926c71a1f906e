"""The embedded Redis: real round trips, COURSE_REDIS_URL, and no orphan servers, ever."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import redis

from course.services import embedded_redis as er
from course.services import (
    embedded_redis_pid,
    redis_client,
    redis_url,
    stop_embedded_redis,
)

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


@pytest.fixture(autouse=True)
def _no_external_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_REDIS_URL", raising=False)


def _pid_alive(pid: int) -> bool:
    """True unless pid is gone or a zombie (a zombie no longer serves anything)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_gone(pid: int, port: int | None = None, timeout: float = 5.0) -> bool:
    """Wait until pid is dead and port refuses connections.

    Both are needed: a multi-threaded server's main thread turns zombie while its other threads
    (and so its listening socket) may live a moment longer.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid) and (port is None or not _port_open(port)):
            return True
        time.sleep(0.02)
    return False


def _redis_children(parent: int) -> list[int]:
    """Live redis-server processes whose parent is `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        if comm.startswith("redis-server") and int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _python(code: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_REDIS_URL"}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# The child starts the server, keeps two connections open, reports port and pid, then either
# exits normally ("exit"), or waits to be SIGKILLed ("wait").
CHILD = """
import sys, threading, time
import redis
from course.services import redis_client, redis_url, embedded_redis_pid

mode = sys.argv[1]
if mode == "thread":  # first use from a thread that ends at once: the server must survive it
    started = []
    t = threading.Thread(target=lambda: started.append((redis_url(), embedded_redis_pid())))
    t.start()
    t.join()
    time.sleep(0.2)
    assert embedded_redis_pid() == started[0][1], "the server died with the thread"
client = redis_client()
client.set("k", b"v")
other = redis.Redis.from_url(redis_url())
assert other.get("k") == b"v"
port = redis_url().rsplit(":", 1)[1].split("/")[0]
from course.services import embedded_redis
print(port, embedded_redis_pid(), embedded_redis._server.workdir, flush=True)
if mode != "exit":
    time.sleep(60)
"""


def _start_child(mode: str) -> tuple[subprocess.Popen[str], int, int, Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "COURSE_REDIS_URL"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else "child printed nothing"
    port, pid, workdir = line.split()
    return proc, int(port), int(pid), Path(workdir)


def test_round_trip_set_get_ttl() -> None:
    client = redis_client()
    client.set("course:test:key", b"value", ex=100)
    assert client.get("course:test:key") == b"value"
    assert 0 < client.ttl("course:test:key") <= 100
    assert redis_url().startswith("redis://127.0.0.1:")
    text = redis_client(decode_responses=True)
    assert text.get("course:test:key") == "value"


def test_many_threads_share_one_server() -> None:
    stop_embedded_redis()
    barrier = threading.Barrier(16)
    urls: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            client = redis_client()
            assert client.ping()
            urls.append(redis_url())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(urls)) == 1 and len(urls) == 16
    assert _redis_children(os.getpid()) == [embedded_redis_pid()]


def test_course_redis_url_is_honoured_without_a_second_server() -> None:
    url = redis_url()
    redis_client().set("course:shared", b"from-parent")
    child = _python(
        """
        import os
        from pathlib import Path
        from course.services import redis_client, redis_url, embedded_redis_pid
        assert redis_url() == os.environ["COURSE_REDIS_URL"]
        assert redis_client().get("course:shared") == b"from-parent"
        assert embedded_redis_pid() is None
        kids = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                and (p / "stat").exists()
                and (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
        assert kids == [], kids
        print("ok")
        """,
        env={"COURSE_REDIS_URL": url},
    )
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert out.strip() == "ok"


def test_server_stops_when_owner_exits_with_clients_connected() -> None:
    proc, port, pid, workdir = _start_child("exit")
    proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert _wait_gone(pid, port), "redis-server outlived the process that started it"
    assert not workdir.exists(), "the atexit clean-up did not run"


@pytest.mark.parametrize("mode", ["wait", "thread"])
def test_server_dies_when_owner_is_sigkilled(mode: str) -> None:
    proc, port, pid, workdir = _start_child(mode)
    assert _pid_alive(pid) and _port_open(port)  # in "thread" mode: survived its thread
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert _wait_gone(pid, port), "redis-server outlived a SIGKILLed owner"
    shutil.rmtree(workdir, ignore_errors=True)  # nobody was left to remove it


def test_forked_child_does_not_stop_parents_server() -> None:
    child = _python(
        """
        import os, sys
        from course.services import redis_client, redis_url, stop_embedded_redis
        url = redis_url()
        redis_client().set("k", b"v")
        pid = os.fork()
        if pid == 0:
            assert redis_url() == url
            assert redis_client().get("k") == b"v"
            stop_embedded_redis()  # not ours: must leave it running
            sys.exit(0)  # runs atexit handlers in the child
        _, status = os.waitpid(pid, 0)
        assert status == 0, status
        assert redis_client().get("k") == b"v"
        print("ok")
        """
    )
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert out.strip() == "ok"


def test_stop_then_restart() -> None:
    first_url = redis_url()
    first_pid = embedded_redis_pid()
    assert first_pid is not None
    first_port = int(first_url.rsplit(":", 1)[1].split("/")[0])
    keeper = redis_client()
    keeper.ping()  # a connected client must not keep the server alive
    stop_embedded_redis()
    assert _wait_gone(first_pid, first_port)
    assert embedded_redis_pid() is None
    stop_embedded_redis()  # stopping twice is harmless
    client = redis_client()
    assert client.ping()
    assert embedded_redis_pid() not in (None, first_pid)
    with pytest.raises(redis.ConnectionError):
        keeper.ping()  # the old server is really gone


def test_failed_start_raises_with_server_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stop_embedded_redis()
    fake = tmp_path / "redis-server"
    fake.write_text("#!/bin/sh\necho 'FATAL: cannot start, bad config' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(er, "redis_server_path", lambda: str(fake))
    with pytest.raises(RuntimeError, match="bad config"):
        redis_url()
    monkeypatch.undo()
    assert redis_client().ping()
