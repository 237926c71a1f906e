"""`course hub`: JupyterHub for the course on 127.0.0.1, with demo accounts for a try-out."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import COURSE_ID, CourseError, available_levels, load_config
from .accounts import ensure_account, ensure_group, instructor_group, learner_group
from .prepare import state_dir

log = logging.getLogger(__name__)

DEMO_LEARNERS = ("demo-learner1", "demo-learner2")
DEMO_INSTRUCTORS = ("demo-instructor",)
CONFIG = Path("deploy") / "jupyterhub" / "jupyterhub_config.py"


@dataclass(frozen=True)
class HubPlan:
    """What `course hub` runs, and the accounts it made (name -> password)."""

    cmd: list[str]
    env: dict[str, str]
    cwd: Path
    url: str
    created: dict[str, str]
    accounts_file: Path


def config_file(root: Path) -> Path:
    """The course's own deploy/jupyterhub/jupyterhub_config.py, else the one of this package."""
    for base in (root, Path(__file__).resolve().parents[2]):
        if (base / CONFIG).is_file():
            return base / CONFIG
    raise CourseError(f"no {CONFIG} in {root} or beside the course package")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_machine() -> str:
    """The proxy's path when this machine can run the hub; a CourseError saying why not."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        raise CourseError("`course hub` runs JupyterHub with this machine's own accounts, which "
                          "needs root on Linux: `sudo .venv/bin/course hub --demo`")
    proxy = shutil.which("configurable-http-proxy")
    if not proxy:
        raise CourseError("configurable-http-proxy is missing: `make system` installs Debian's "
                          "node-configurable-http-proxy (or `npm install -g configurable-http-proxy`)")
    return proxy


def plan(root: Path, port: int = 8000, *, demo: bool = False, learners: tuple[str, ...] = (),
         instructors: tuple[str, ...] = ()) -> HubPlan:
    """Groups and accounts made, the levels registered, and the JupyterHub command to run."""
    from ..check import ensure_registered

    check_machine()
    course_id = load_config(root).CourseDirectory.get("course_id") or COURSE_ID
    teach, learn = instructor_group(course_id), learner_group(course_id)
    ensure_group(teach)
    ensure_group(learn)
    for level in available_levels(root):
        ensure_registered(root, level)  # formgrader lists the levels from the gradebook
    wanted = {name: [learn] for name in (*(DEMO_LEARNERS if demo else ()), *learners)}
    for name in (*(DEMO_INSTRUCTORS if demo else ()), *instructors):
        wanted[name] = [teach, learn]
    created = {}
    for name, groups in wanted.items():
        password = ensure_account(name, groups)
        if password:
            created[name] = password
    state = state_dir(root)
    accounts = state / "accounts.txt"
    if created:
        with accounts.open("a") as fh:
            os.chmod(accounts, 0o600)
            for name, password in created.items():
                fh.write(f"{name} {password} {'instructor' if teach in wanted[name] else 'learner'}\n")
    env = dict(os.environ, COURSE_ROOT=str(root), COURSE_HUB_PORT=str(port),
               COURSE_HUB_API_PORT=os.environ.get("COURSE_HUB_API_PORT") or str(_free_port()),
               COURSE_HUB_PROXY_API_PORT=os.environ.get("COURSE_HUB_PROXY_API_PORT")
               or str(_free_port()))
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", os.defpath)
    cmd = [sys.executable, "-m", "jupyterhub", "-f", str(config_file(root))]
    return HubPlan(cmd, env, state, f"http://127.0.0.1:{port}/", created, accounts)
