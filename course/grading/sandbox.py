"""Where learner code runs: a bubblewrap sandbox as an unprivileged uid, or process limits only.

Modes:
- "sandbox": bwrap (entered as root, so it can mount) builds a new root holding only the system
  (read-only), the Python installation and the course package (read-only) and the job's folder;
  new pid, network (own loopback only), ipc and uts namespaces; then setpriv drops to a uid of
  its own (one per worker slot, so RLIMIT_NPROC counts that job only) with no capabilities and
  no_new_privs. The course folder, gradebook.db, source/, submitted/ and other learners do not
  exist inside.
- "limits": the same executor, environment and rlimits, but no new root or namespaces: learner
  code can read what the grading user can read and reach the network. For `course check` of
  one's own notebook, or cohort grading only with --allow-reduced-isolation.

Both add rlimits (address space, processes, file size, CPU time) and, where /sys/fs/cgroup is
writable (v1 memory+pids, or v2), a per-job cgroup that limits the whole process tree.
`Sandbox.applied` says which limits were in force, for grading.json.
"""

from __future__ import annotations

import fcntl
import functools
import itertools
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MODES = ("sandbox", "limits", "best")
UID_BASE = 64000
UID_COUNT = 1000
LOCK_DIR = Path(tempfile.gettempdir()) / "course-grading-uids"
CGROUP_NAME = "course-grading"
_counter = itertools.count()

#: rlimits set by the entry wrapper before bwrap / the executor start (names in `resource`).
_ENTER = (
    "import json, os, resource, sys\n"
    "cfg = json.loads(sys.argv[1])\n"
    "for path in cfg['cgroups']:\n"
    "    with open(path, 'w') as f:\n"
    "        f.write(str(os.getpid()))\n"
    "for name, value in cfg['rlimits'].items():\n"
    "    resource.setrlimit(getattr(resource, name), (value, value))\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def sandbox_available() -> bool:
    """bwrap is installed and works here (it needs namespaces, or root)."""
    bwrap = bwrap_path()
    if not bwrap or (os.geteuid() == 0 and not shutil.which("setpriv")):
        return False
    args = [bwrap, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "true"]
    if os.geteuid() != 0:
        args.insert(1, "--unshare-user")
    try:
        return subprocess.run(args, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


REDUCED_ISOLATION = (
    "without bubblewrap, learner code runs with process limits only: it can read every file the "
    "grading user can read (including source/ with the hidden tests, other learners and "
    "gradebook.db), write where that user can write, and reach the network"
)


def resolve_mode(isolation: str) -> str:
    """"sandbox" or "limits"; a CourseError when the sandbox is required and cannot run."""
    from ..config import CourseError

    if isolation not in MODES:
        raise ValueError(f"isolation must be one of {MODES}, not {isolation!r}")
    if isolation == "limits":
        return "limits"
    if sandbox_available():
        return "sandbox"
    if isolation == "best":
        log.warning("bubblewrap is not available: %s", REDUCED_ISOLATION)
        return "limits"
    raise CourseError("cohort grading needs bubblewrap (bwrap), which is not available here; "
                      f"{REDUCED_ISOLATION}. Install bubblewrap (`make system`), or accept "
                      "this with `course grade --allow-reduced-isolation`.")


# --- cgroups ----------------------------------------------------------------------------------

def _cgroup_dirs(name: str, memory_bytes: int, max_processes: int) -> tuple[list[Path], list[str]]:
    """Create a cgroup for one job (v1 memory+pids, or v2); its folders and what it limits."""
    if os.geteuid() != 0:
        return [], []
    root = Path("/sys/fs/cgroup")
    made: list[Path] = []
    applied: list[str] = []
    try:
        if (root / "cgroup.controllers").exists():  # v2
            parent = root / CGROUP_NAME
            parent.mkdir(exist_ok=True)
            (root / "cgroup.subtree_control").write_text("+memory +pids")
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
            group = parent / name
            group.mkdir()
            made.append(group)
            (group / "memory.max").write_text(str(memory_bytes))
            (group / "pids.max").write_text(str(max_processes))
            applied += ["cgroup v2 memory.max", "cgroup v2 pids.max"]
            return made, applied
        for controller, settings in (
            ("memory", {"memory.limit_in_bytes": memory_bytes, "memory.memsw.limit_in_bytes": memory_bytes}),
            ("pids", {"pids.max": max_processes}),
        ):
            base = root / controller
            if not (base / "cgroup.procs").exists():
                continue
            group = base / CGROUP_NAME / name
            group.mkdir(parents=True)
            made.append(group)
            for key, value in settings.items():
                try:
                    (group / key).write_text(str(value))
                    applied.append(f"cgroup v1 {key}")
                except OSError:  # memsw needs swap accounting
                    log.debug("cgroup setting %s not available", key)
    except OSError as exc:
        log.info("no per-job cgroup (%s): rlimits only", exc)
        _remove_cgroups(made)
        return [], []
    return made, applied


def _remove_cgroups(groups: list[Path]) -> None:
    for group in groups:
        for _ in range(50):
            try:
                pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        try:
            group.rmdir()
        except OSError as exc:
            log.debug("could not remove cgroup %s: %s", group, exc)


def oom_killed(groups: list[Path]) -> bool:
    for group in groups:
        for name, key in (("memory.oom_control", "oom_kill"), ("memory.events", "oom_kill")):
            try:
                for line in (group / name).read_text().splitlines():
                    parts = line.split()
                    if parts and parts[0] == key and int(parts[1]) > 0:
                        return True
            except (OSError, ValueError, IndexError):
                continue
    return False


# --- uids ----------------------------------------------------------------------------------------

@contextmanager
def lease_uid() -> Iterator[int]:
    """A uid no other grading job on this machine is using (lock files in /tmp)."""
    LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    for uid in range(UID_BASE, UID_BASE + UID_COUNT):
        handle = open(LOCK_DIR / f"{uid}.lock", "w")  # noqa: SIM115 -- held for the lease
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield uid
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    raise RuntimeError("no free sandbox uid")


# --- the sandbox ---------------------------------------------------------------------------------

def _mount_points(paths: list[Path]) -> list[str]:
    """bwrap arguments creating every parent folder (0755) of `paths` that bwrap would make 0700."""
    args: list[str] = []
    made: set[Path] = {Path("/"), Path("/tmp"), Path("/usr")}
    for path in paths:
        for parent in reversed(path.parents):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _read_only_paths() -> list[Path]:
    """The Python installation, the venv and the course package (for an editable install)."""
    package = Path(__file__).resolve().parents[1]  # course/
    wanted = [Path(sys.base_prefix), Path(sys.prefix), package]
    paths: list[Path] = []
    for p in wanted:
        p = p.resolve()
        if p.is_relative_to("/usr") or any(p.is_relative_to(q) for q in paths):
            continue
        paths = [q for q in paths if not q.is_relative_to(p)] + [p]
    return paths


@dataclass
class Sandbox:
    """How one job's executor is started: mode, uid and the limits in force."""

    mode: str
    uid: int | None = None
    applied: list[str] = field(default_factory=list)
    tmpfs_bytes: int = 1024**3
    _cgroups: list[Path] = field(default_factory=list)

    def _bwrap(self, jobdir: Path, inner: list[str]) -> list[str]:
        args = [bwrap_path() or "bwrap", "--die-with-parent", "--new-session", "--unshare-pid",
                "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if os.geteuid() != 0:
            args.insert(1, "--unshare-user")
        args += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            p = Path(top)
            if p.is_symlink():
                args += ["--symlink", os.readlink(p), top]
            elif p.is_dir():
                args += ["--ro-bind", top, top]
        size = str(self.tmpfs_bytes)
        args += ["--ro-bind", "/etc", "/etc", "--dev", "/dev",
                 "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm", "--proc", "/proc",
                 "--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
        ro = _read_only_paths()
        args += _mount_points([*ro, jobdir])
        for p in ro:
            args += ["--ro-bind", str(p), str(p)]
        # The job folder: a tmpfs the job's uid can write, counted in its memory cgroup.
        args += ["--perms", "1777", "--size", size, "--tmpfs", str(jobdir), "--chdir", str(jobdir)]
        if os.geteuid() == 0:
            assert self.uid is not None
            args += ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                     "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
        return args + inner

    def start(self, inner: list[str], *, jobdir: Path, workdir: Path, env: dict[str, str],
              pass_fds: tuple[int, ...], limits: dict, cpu_seconds: int) -> subprocess.Popen:
        """Start `inner` (the executor command) with the limits; stdin and stderr are pipes.

        `jobdir` is the job folder as the executor sees it; `workdir` a host folder to start in
        (with process limits only, the job folder's work/)."""
        self.tmpfs_bytes = int(limits["file_bytes"])
        name = f"job-{os.getpid()}-{next(_counter)}"
        self._cgroups, cgroup_applied = _cgroup_dirs(name, int(limits["memory_bytes"]),
                                                     int(limits["max_processes"]))
        rlimits = {"RLIMIT_AS": int(limits["memory_bytes"]), "RLIMIT_FSIZE": int(limits["file_bytes"]),
                   "RLIMIT_CPU": int(cpu_seconds), "RLIMIT_CORE": 0}
        self.applied = ["rlimit address space", "rlimit file size", "rlimit CPU time"]
        if self.mode == "sandbox" and os.geteuid() == 0:
            rlimits["RLIMIT_NPROC"] = int(limits["max_processes"])
            self.applied.append(f"rlimit processes (uid {self.uid})")
        self.applied += cgroup_applied
        if self.mode == "sandbox":
            self.applied.insert(0, "bubblewrap: read-only system, job folder only, own pid and "
                                   "network namespaces (loopback only)")
            cmd = self._bwrap(jobdir, inner)
        else:
            cmd = inner
        procs = [str(g / "cgroup.procs") for g in self._cgroups]
        wrapper = [sys.executable, "-I", "-S", "-c", _ENTER,
                   json.dumps({"cgroups": procs, "rlimits": rlimits}), *cmd]
        return subprocess.Popen(wrapper, cwd=workdir, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                pass_fds=pass_fds, start_new_session=True)

    def kill(self, proc: subprocess.Popen) -> None:
        """Stop the executor and everything it started."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _remove_cgroups(list(self._cgroups))

    def finish(self) -> bool:
        """Remove the job's cgroups (killing what is left); True when the cgroup OOM-killed."""
        oom = oom_killed(self._cgroups)
        _remove_cgroups(self._cgroups)
        self._cgroups = []
        return oom


@contextmanager
def open_sandbox(mode: str) -> Iterator[Sandbox]:
    """A Sandbox for one job at a time; in sandbox mode as root it holds its own uid."""
    mode = resolve_mode(mode) if mode in ("sandbox", "best") else mode
    if mode == "sandbox" and os.geteuid() == 0:
        with lease_uid() as uid:
            yield Sandbox(mode, uid)
    else:
        yield Sandbox(mode)
