"""The sandbox's first process: the only one that may start processes as another uid.

    python -I -m course.grading.launcher CONFIG_JSON ANSWER_FD

It starts the executor as the executor's uid, then serves the executor's requests on a private
socket pair (one JSON object per line each way): make a notebook's fresh folders, start that
notebook's learner or grader kernel (a fixed command, as that role's uid, in that role's folder),
signal or poll it, and kill every process of the kernels' uids between notebooks. It never reads
anything a kernel wrote, never runs a command it was sent, and exits with the executor.

Without uids (process limits only, or bubblewrap entered without root) every process runs as the
grading user: the same requests, no uid switch, and kernels are stopped by process group only.
This module imports only the standard library.
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

ROLES = ("learner", "grader")
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
        self.setpriv: str = config.get("setpriv") or "setpriv"
        #: in bubblewrap, /tmp and /dev/shm are the sandbox's own (never the host's)
        self.sandboxed: bool = bool(config.get("sandboxed"))
        self.layout: Layout | None = None
        self.kernels: dict[str, subprocess.Popen] = {}

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

    def notebook(self, index: int) -> dict:
        """Kill what the last notebook left, remove its folders, make notebook `index`'s."""
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
        self._make(layout.shared, 0o1777)
        self.layout = layout
        return {"dirs": layout.as_dict()}

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
        if role == "grader":  # test cells' temporary files are where the learner side can read them
            env["TMPDIR"] = str(self.layout.shared)
        (home / "tmp").mkdir(mode=0o700)
        kwargs: dict = {}
        argv = [self.python, *KERNEL_ARGV, str(path), "--HistoryManager.hist_file=:memory:"]
        if self.uids is not None:
            uid, gid = self._ids(role)
            os.chown(path, uid, gid)
            os.chown(home / "tmp", uid, gid)
            if role == "grader":
                # The tests read what learner code wrote, whatever its mode (mkstemp makes 0600
                # files), as a grader of one uid could: read and search permission checks only.
                argv = [self.setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                        "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--",
                        *argv]
            else:
                kwargs = {"user": uid, "group": gid, "extra_groups": []}
        proc = subprocess.Popen(argv, cwd=home, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, umask=0o007, **kwargs)
        self.kernels[role] = proc
        return {"pid": proc.pid}

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
        for proc in self.kernels.values():  # reap them, so that only strays are left
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.uids is not None:
            for role in ROLES:
                if _processes_of(self._ids(role)[0]):
                    self._kill_uid(role)
        self.kernels = {}
        return {}

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        if op == "notebook":
            return self.notebook(int(request["index"]))
        if op == "spawn":
            return self.spawn(str(request["role"]), request.get("connection"))
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
    """Live processes of `uid` (zombies, already dead, do not count)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in (b"Z", b"X"):
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
        [config["python"], "-I", "-m", "course.grading.executor", str(jobdir), str(answer_fd),
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
