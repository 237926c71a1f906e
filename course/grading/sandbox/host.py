"""Where learner code runs: a bubblewrap sandbox with uids of its own per job, or process limits only.

Modes:
- "sandbox": bwrap (entered as root, so it can mount) builds a new root holding only the system
  (read-only), the Python installation and the course package (read-only) and the job's folder
  (a tmpfs); new pid, network (own loopback only), ipc and uts namespaces. Inside, the launcher
  (course.grading.sandbox.inside.launcher) keeps only the capabilities it needs to start processes as other
  uids, with no_new_privs, and starts the executor, the learner kernels, the grader kernels and the
  services they share (the embedded Redis) each as a uid of their own (four per worker slot, and
  a group for the folder the kernels share; RLIMIT_NPROC counts that job only). The
  course folder, gradebook.db, source/, submitted/ and other learners do not exist inside.
- "limits": the same launcher, executor, environment and rlimits, but no new root, namespaces or
  uids: learner code can read what the grading user can read and reach the network. For
  `course check` of one's own notebook, or cohort grading only with --allow-reduced-isolation.

Both add rlimits (address space, processes, file size, CPU time) and, where /sys/fs/cgroup is
writable (v1 or v2), a per-job cgroup for memory, processes and a CPU share that limits the whole
process tree. `Sandbox.applied` says which limits were in force and `missing_limits` which were
not, for grading.json and the grader's warning.
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
UID_COUNT = 999
#: The ids of one job, in the order of a leased block: a uid (and a group of the same number) per
#: process role (the executor, the learner kernel, the grader kernel, and the services both
#: kernels talk to, such as the embedded Redis), then "shared": a group only, of the learner and
#: grader kernels, that owns the folder they share.
ROLES = ("executor", "learner", "grader", "service", "shared")
#: What the launcher keeps of root (setpriv's names): start processes as other uids, give them
#: their folders, stop them. No capability is passed on to any process it starts (they switch
#: uid, which clears them; no_new_privs), and none to read files (dac_read_search): the grader
#: kernel reads learner files by their permissions. No mount, ptrace, network or module capability.
LAUNCHER_CAPS = "-all,+setuid,+setgid,+chown,+kill,+dac_override,+fowner,+fsetid"
CPU_PERIOD_US = 100_000
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
    from course.config import CourseError

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

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _cgroup_dirs(name: str, memory_bytes: int, max_processes: int,
                 cpu_cores: float) -> tuple[list[Path], list[str]]:
    """Create a cgroup for one job (v1 memory+pids+cpu, or v2); its folders and what it limits.

    The groups sit at the top of the hierarchy, beside the machine's other processes, not under a
    common parent: CPU time is shared between sibling groups, so a parent would give all running
    jobs together the share of one process. Each job competes as one process would, and is capped
    at `cpu_cores`."""
    if os.geteuid() != 0:
        return [], []
    root = CGROUP_ROOT
    quota = int(cpu_cores * CPU_PERIOD_US)
    group_name = f"{CGROUP_NAME}-{name}"
    made: list[Path] = []
    applied: list[str] = []
    try:
        if (root / "cgroup.controllers").exists():  # v2
            (root / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            group = root / group_name
            group.mkdir()
            made.append(group)
            (group / "memory.max").write_text(str(memory_bytes))
            (group / "pids.max").write_text(str(max_processes))
            (group / "cpu.max").write_text(f"{quota} {CPU_PERIOD_US}")
            applied += ["cgroup v2 memory.max", "cgroup v2 pids.max",
                        f"cgroup v2 cpu.max ({cpu_cores:g} cores)"]
            return made, applied
        for controller, settings in (
            ("memory", {"memory.limit_in_bytes": memory_bytes, "memory.memsw.limit_in_bytes": memory_bytes}),
            ("pids", {"pids.max": max_processes}),
            ("cpu", {"cpu.cfs_period_us": CPU_PERIOD_US, "cpu.cfs_quota_us": quota}),
        ):
            base = root / controller
            if not (base / "cgroup.procs").exists():
                continue
            group = base / group_name
            group.mkdir()
            made.append(group)
            for key, value in settings.items():
                try:
                    (group / key).write_text(str(value))
                    if key != "cpu.cfs_period_us":
                        applied.append(f"cgroup v1 {key}" + (f" ({cpu_cores:g} cores)"
                                                             if key == "cpu.cfs_quota_us" else ""))
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
def lease_uids() -> Iterator[dict[str, int]]:
    """The ids of ROLES (executor, learner, grader, service uids and the shared group) that no
    other grading job on this machine is using (a lock file per id in /tmp). Each uid's group id
    is the same number."""
    LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    for first in range(UID_BASE, UID_BASE + UID_COUNT, len(ROLES)):
        handles = []
        for uid in range(first, first + len(ROLES)):
            handle = open(LOCK_DIR / f"{uid}.lock", "w")  # noqa: SIM115 -- held for the lease
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                break
            handles.append(handle)
        if len(handles) == len(ROLES):
            try:
                yield {role: first + i for i, role in enumerate(ROLES)}
            finally:
                for handle in handles:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
            return
        for handle in handles:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
    raise RuntimeError("no free sandbox uids")


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
    import course

    package = Path(course.__file__).resolve().parent  # course/
    wanted = [Path(sys.base_prefix), Path(sys.prefix), package]
    paths: list[Path] = []
    for p in wanted:
        p = p.resolve()
        if p.is_relative_to("/usr") or any(p.is_relative_to(q) for q in paths):
            continue
        paths = [q for q in paths if not q.is_relative_to(p)] + [p]
    return paths


MISSING_UIDS = ("separate uids for the executor, the learner kernel, the grader kernel and the "
                "services they share (they need root): learner code runs as the same user as the "
                "grader kernel and could signal it, trace it or read its memory")


def missing_limits(mode: str) -> list[str]:
    """The limits a job will run without here, each saying what that leaves open."""
    missing = []
    root = os.geteuid() == 0
    if mode == "sandbox" and not root:
        missing.append(MISSING_UIDS)
    if mode == "limits":
        missing.append("bubblewrap: " + REDUCED_ISOLATION)
        if root:
            missing.append(MISSING_UIDS.replace("(they need root)", "(they need bubblewrap)"))
        else:
            missing.append(MISSING_UIDS)
    if not root or mode == "limits":
        missing.append("a process limit per job (RLIMIT_NPROC for a uid of its own): a fork "
                       "flood is held only by the cgroup, if any")
    v2 = (CGROUP_ROOT / "cgroup.controllers").exists()
    for controller, what in (("memory", "a memory limit for the whole job (cgroup memory): "
                                        "only each process's address space is limited"),
                             ("pids", "a process limit for the whole job (cgroup pids)"),
                             ("cpu", "a CPU share per job (cgroup cpu): one job can use every "
                                     "core and push other jobs' cells past their timeout")):
        folder = CGROUP_ROOT if v2 else CGROUP_ROOT / controller
        present = (controller in (CGROUP_ROOT / "cgroup.controllers").read_text().split()
                   if v2 else (folder / "cgroup.procs").exists())
        if not (root and present and os.access(folder, os.W_OK)):
            missing.append(what)
    return missing


@dataclass
class Sandbox:
    """How one job is started: mode, uids and the limits in force."""

    mode: str
    uids: dict[str, int] | None = None
    applied: list[str] = field(default_factory=list)
    tmpfs_bytes: int = 1024**3
    _cgroups: list[Path] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return missing_limits(self.mode)

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
        # The job folder: a tmpfs counted in the job's memory cgroup; the launcher makes each
        # role's folders in it.
        perms = "0755" if self.uids else "0700"
        args += ["--perms", perms, "--size", size, "--tmpfs", str(jobdir), "--chdir", str(jobdir)]
        if self.uids:
            args += ["setpriv", "--no-new-privs", "--inh-caps=-all",
                     f"--bounding-set={LAUNCHER_CAPS}", "--"]
        return args + inner

    def start(self, inner: list[str], *, jobdir: Path, workdir: Path, env: dict[str, str],
              pass_fds: tuple[int, ...], limits: dict, cpu_seconds: int) -> subprocess.Popen:
        """Start `inner` (the launcher command) with the limits; stdin and stderr are pipes.

        `jobdir` is the job folder as the launcher sees it; `workdir` a host folder to start in
        (with process limits only, the job folder)."""
        self.tmpfs_bytes = int(limits["file_bytes"])
        name = f"job-{os.getpid()}-{next(_counter)}"
        self._cgroups, cgroup_applied = _cgroup_dirs(
            name, int(limits["memory_bytes"]), int(limits["max_processes"]),
            float(limits.get("cpu_cores", 1.0)))
        rlimits = {"RLIMIT_AS": int(limits["memory_bytes"]), "RLIMIT_FSIZE": int(limits["file_bytes"]),
                   "RLIMIT_CPU": int(cpu_seconds), "RLIMIT_CORE": 0}
        self.applied = ["rlimit address space", "rlimit file size", "rlimit CPU time"]
        if self.uids:
            rlimits["RLIMIT_NPROC"] = int(limits["max_processes"])
            self.applied.insert(0, "separate uids: executor uid {executor}, learner kernel uid "
                                   "{learner}, grader kernel uid {grader}, services uid {service}"
                                   .format(**self.uids))
            self.applied.append("rlimit processes (per uid)")
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
        """Stop the launcher and everything it started."""
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
    """A Sandbox for one job at a time; in sandbox mode as root it holds uids of its own (ROLES)."""
    mode = resolve_mode(mode) if mode in ("sandbox", "best") else mode
    if mode == "sandbox" and os.geteuid() == 0:
        with lease_uids() as uids:
            yield Sandbox(mode, uids)
    else:
        yield Sandbox(mode)
