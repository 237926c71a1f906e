"""The course folder and nbgrader's exchange made ready for many accounts on one machine.

Who may do what, by file permissions (nothing here relies on hiding a button):

- instructors (the formgrade group) read and write the course data: `source/`, `release/`,
  `submitted/`, `autograded/`, `feedback/`, `reports/`, the gradebook, the roster and
  nbgrader_config.py (group-owned, group-writable, new files inherit the group);
- learners reach only what their server runs on: the course folder can be traversed but not
  listed; the Python environment, the `course` package (without its demo answers), the
  configuration and the exchange are readable; everything else in it (solutions and hidden tests,
  other learners' work, the gradebook, git history) is closed to them;
- the exchange is nbgrader's: its root writable by all with the sticky bit, the course's
  `outbound` readable, `inbound` writable but not listable, `feedback` reachable only by the
  names each learner's submission secret gives. Existing submissions are never touched (their
  change times are their submission times).
"""

from __future__ import annotations

import grp
import logging
import os
import stat
from pathlib import Path

from ..config import CourseError
from ..lab import LAB_PLUGINS, SERVER_EXTENSIONS, _on, _write_json

log = logging.getLogger(__name__)

#: Top-level entries of the course folder that every account may read (what servers run on).
PUBLIC = {".venv", "course", "nbgrader_config.py", "exchange", "deploy", "release", "README.md",
          "pyproject.toml", ".course"}
#: Top-level course data the instructors' group reads and writes.
INSTRUCTOR_DATA = ["source", "release", "submitted", "autograded", "feedback", "reports",
                   "gradebook.db", "gradebook.db-journal", "roster.csv", "nbgrader_config.py"]
#: Folders made when missing so that what grading writes later inherits the group.
DATA_FOLDERS = ["submitted", "autograded", "feedback", "reports"]
#: JupyterLab's "news" prompt has no place on a course server.
NO_NEWS = "@jupyterlab/apputils-extension:announcements"


def hub_dir(root: Path) -> Path:
    return root / ".course" / "hub"


def _chmod(path: Path, set_bits: int = 0, clear_bits: int = 0) -> None:
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    new = (mode | set_bits) & ~clear_bits
    if new != mode:
        os.chmod(path, new)


def _group_tree(path: Path, gid: int) -> None:
    """path and everything under it: group gid, group read/write, folders setgid."""
    if not path.exists() or path.is_symlink():
        return
    items = [path] + (list(path.rglob("*")) if path.is_dir() else [])
    for item in items:
        if item.is_symlink():
            continue
        if os.lstat(item).st_gid != gid:
            os.chown(item, -1, gid)
        if item.is_dir():
            _chmod(item, stat.S_IRWXG | stat.S_ISGID)
        else:
            _chmod(item, stat.S_IRGRP | stat.S_IWGRP)


def check_reachable(path: Path, what: str) -> None:
    """Every folder above path lets any account through (learners' servers run as learners)."""
    from .runtime import blocking_folder

    folder = blocking_folder(path.parent)
    if folder is not None:
        raise CourseError(f"{what} is under {folder}, which other accounts cannot enter: put "
                          f"it on a path every account can traverse (e.g. /srv/...), or "
                          f"`chmod o+x {folder}`")


def prepare_course(root: Path, instructors: str) -> None:
    """Permissions of the course folder for instructors (group `instructors`) and learners."""
    gid = grp.getgrnam(instructors).gr_gid
    check_reachable(root, "the course folder")
    for name in DATA_FOLDERS:
        (root / name).mkdir(exist_ok=True)
    os.chown(root, -1, gid)
    _chmod(root, stat.S_IRWXG | stat.S_ISGID | stat.S_IXOTH, stat.S_IROTH | stat.S_IWOTH)
    for name in INSTRUCTOR_DATA:
        _group_tree(root / name, gid)
    for entry in root.iterdir():
        if entry.name not in PUBLIC and not entry.is_symlink():
            _chmod(entry, 0, stat.S_IRWXO)
    demo = root / "course" / "demo"
    if demo.is_dir():  # sample answers of the demo cohort
        _chmod(demo, 0, stat.S_IRWXO)
    # .course: only the learners' Jupyter configuration is theirs to read
    course_state = root / ".course"
    course_state.mkdir(exist_ok=True)
    _chmod(course_state, stat.S_IXOTH, stat.S_IROTH | stat.S_IWOTH)
    for entry in course_state.iterdir():
        if entry.name != "hub":
            _chmod(entry, 0, stat.S_IRWXO)


def prepare_exchange(exchange: Path, course_id: str, instructors: str) -> Path:
    """nbgrader's exchange for the course, shared by its instructors; returns the course's folder."""
    gid = grp.getgrnam(instructors).gr_gid
    exchange.mkdir(parents=True, exist_ok=True)
    check_reachable(exchange, "nbgrader's exchange")
    os.chmod(exchange, 0o1777)  # nbgrader wants it writable by all; sticky: nobody renames another's
    course = exchange / course_id
    modes = {course: 0o2775, course / "outbound": 0o2775, course / "inbound": 0o2773,
             course / "feedback": 0o2771}
    for folder, mode in modes.items():
        folder.mkdir(exist_ok=True)
        if os.lstat(folder).st_gid != gid:
            os.chown(folder, -1, gid)
        os.chmod(folder, mode)
    for released in (course / "outbound").iterdir():
        _group_tree(released, gid)
    for page in (course / "feedback").iterdir():
        if page.is_file() and not page.is_symlink():
            os.chown(page, -1, gid)
            _chmod(page, stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH)
    return course


def write_jupyter_configs(root: Path, instructors: str) -> dict[str, Path]:
    """Each role's Jupyter configuration (added to JUPYTER_CONFIG_PATH by the spawner)."""
    base = hub_dir(root) / "jupyter"
    folders = {}
    for role, instructor in (("learner", False), ("instructor", True)):
        folder = base / role
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        server = {"ServerApp": {"jpserver_extensions": {
            name: _on(where, instructor) for name, where in SERVER_EXTENSIONS.items()}}}
        disabled = {name: True for name, where in LAB_PLUGINS.items() if not _on(where, instructor)}
        disabled[NO_NEWS] = True
        _write_json(folder / "jupyter_server_config.json", server)
        _write_json(folder / "labconfig" / "page_config.json", {"disabledExtensions": disabled})
        text = (f"load_subconfig({str(root / 'nbgrader_config.py')!r})\n"
                "# Which courses an account belongs to: its JupyterHub groups nbgrader-<course> "
                "and formgrade-<course>\n"
                'c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"\n')
        path = folder / "nbgrader_config.py"
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
        folders[role] = folder
    # learners read their configuration; the rest of .course/hub is the hub's own
    hub = hub_dir(root)
    _chmod(hub, stat.S_IXOTH, stat.S_IROTH | stat.S_IWOTH)
    _chmod(base, stat.S_IXOTH, stat.S_IROTH | stat.S_IWOTH)
    for item in [folders["learner"], *folders["learner"].rglob("*")]:
        _chmod(item, stat.S_IROTH | (stat.S_IXOTH if item.is_dir() else 0), stat.S_IWOTH)
    _chmod(folders["instructor"], 0, stat.S_IRWXO)
    _group_tree(folders["instructor"], grp.getgrnam(instructors).gr_gid)
    for entry in hub.iterdir():
        if entry.name != "jupyter":
            _chmod(entry, 0, stat.S_IRWXO | stat.S_IRWXG)
    return folders


def state_dir(root: Path) -> Path:
    """The hub's own database, cookie secret and logs: root's alone."""
    folder = hub_dir(root) / "state"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder
