"""`course lab`: JupyterLab on 127.0.0.1 set up for a learner or for an instructor.

Which nbgrader tools a learner sees is decided in a Jupyter config folder generated under
`<course>/.course/jupyter/<mode>/` (git-ignored) and passed as JUPYTER_CONFIG_DIR, never in the
user's own Jupyter configuration:

- both: an nbgrader_config.py that loads the course's own, so nbgrader's extensions find the
  course, its gradebook and its exchange (`exchange/`, git-ignored) wherever JupyterLab is opened.
- learner: JupyterLab on the learner's workspace (`workspace/`, see course.workspace); nbgrader's assignment list and Validate button on; formgrader,
  create-assignment and course list off, both their lab plugins (page_config.json) and their
  server extensions (jupyter_server_config.json), so their pages are not served.
- instructor: JupyterLab on the course folder with formgrader, create-assignment and the course
  list on; the learner's assignment list off.

JupyterLab runs on exactly the port asked for (no silent move to another one) and never outlives
`course lab`: Ctrl-C or a signal stops it cleanly, and if `course lab` is killed outright the
Linux's parent-death signal stops it.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import CourseError
from .processes import Signalled, die_with_parent, raise_on_signals, restore_signals
from .workspace import workspace_dir

#: Seconds JupyterLab gets to stop its kernels after SIGTERM before it is killed.
STOP_TIMEOUT_S = 15

#: nbgrader's server extensions and lab plugins, by the role that uses them.
SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": "instructor",
    "nbgrader.server_extensions.course_list": "instructor",
    "nbgrader.server_extensions.assignment_list": "learner",
    "nbgrader.server_extensions.validate_assignment": "both",
}
LAB_PLUGINS = {
    "@jupyter/nbgrader:formgrader": "instructor",
    "@jupyter/nbgrader:create-assignment": "instructor",
    "@jupyter/nbgrader:course-list": "instructor",
    "@jupyter/nbgrader:assignment-list": "learner",
    "@jupyter/nbgrader:validate-assignment": "both",
    "@jupyter/nbgrader:menu": "both",
}


def _on(role: str, instructor: bool) -> bool:
    return role == "both" or role == ("instructor" if instructor else "learner")


@dataclass(frozen=True)
class LabPlan:
    """What `course lab` runs: the command, its environment and working folder."""

    cmd: list[str]
    env: dict[str, str]
    cwd: Path
    root_dir: Path
    config_dir: Path


def write_config(root: Path, instructor: bool) -> Path:
    """Generate the Jupyter config folder of one mode and return it."""
    mode = "instructor" if instructor else "learner"
    folder = root / ".course" / "jupyter" / mode
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    server = {"ServerApp": {"jpserver_extensions": {
        name: _on(role, instructor) for name, role in SERVER_EXTENSIONS.items()}}}
    disabled = {name: True for name, role in LAB_PLUGINS.items() if not _on(role, instructor)}
    _write_json(folder / "jupyter_server_config.json", server)
    _write_json(folder / "labconfig" / "page_config.json", {"disabledExtensions": disabled})
    # nbgrader's server extensions read nbgrader_config.py from the folder JupyterLab serves
    # (release/ for learners) and from the Jupyter config path: point them at the course's.
    course_config = f"load_subconfig({str(root / 'nbgrader_config.py')!r})\n"
    nbgrader_config = folder / "nbgrader_config.py"
    if not nbgrader_config.is_file() or nbgrader_config.read_text() != course_config:
        nbgrader_config.write_text(course_config)
    # JupyterLab's own settings live here too (lab/user-settings): start without the "official
    # Jupyter news?" prompt, and keep whatever the user changes later.
    news = folder / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    if not news.exists():
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text('{\n  "fetchNews": "false"\n}\n')
    return folder


def _write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def plan(root: Path, port: int = 8888, no_browser: bool = False, instructor: bool = False) -> LabPlan:
    """The JupyterLab command for a mode, with its generated configuration written."""
    root = root.resolve()
    folder = root if instructor else workspace_dir(root)
    config_dir = write_config(root, instructor)
    (root / "exchange").mkdir(exist_ok=True)  # nbgrader's assignment list fails without it
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    env = dict(os.environ, COURSE_ROOT=str(root), JUPYTER_CONFIG_DIR=str(config_dir))
    env.pop("COURSE_SELFCHECK", None)  # self-checks are for the learner working in this lab
    return LabPlan(cmd, env, root, folder, config_dir)


def check_port(port: int) -> None:
    """A CourseError saying why JupyterLab could not listen on 127.0.0.1:`port`, if it could not."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except PermissionError:
            raise CourseError(f"port {port} needs administrator rights: choose one from 1024 to "
                              "65535 with --port") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CourseError(f"port {port} on 127.0.0.1 is already in use (another JupyterLab?):"
                                  f" choose another with --port, e.g. --port {port + 1}") from None
            raise CourseError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None


def run(lab: LabPlan) -> int:
    """Run JupyterLab until it exits; stop it with this process. Returns the exit code.

    JupyterLab gets its own session, so a terminal's Ctrl-C reaches `course lab` only, which then
    asks JupyterLab to shut down (SIGTERM: its kernels are stopped too) instead of JupyterLab's
    interactive "Shutdown this Jupyter server?" prompt. A KeyboardInterrupt is re-raised after.
    """
    previous = raise_on_signals()
    proc = None
    try:
        proc = subprocess.Popen(lab.cmd, cwd=lab.cwd, env=lab.env, start_new_session=True,
                                preexec_fn=die_with_parent(signal.SIGTERM))
        return proc.wait()
    except Signalled as exc:
        return 128 + exc.signum
    finally:
        if proc is not None and proc.poll() is None:
            _stop(proc)
        restore_signals(previous)


def _stop(proc: subprocess.Popen) -> None:
    for send, wait in ((proc.terminate, STOP_TIMEOUT_S), (proc.kill, 5)):
        try:
            send()
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting, stop it now
            proc.kill()
            proc.wait(5)
            raise
