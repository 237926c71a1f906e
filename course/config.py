"""Course settings: where the course folder is, its levels, learner ids and grading limits."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from traitlets import Float, Integer
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

COURSE_ID = "ml-engineer-skills"
LEVELS: tuple[str, ...] = ("level1", "level2", "level3")
LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
CONFIG_FILE = "nbgrader_config.py"
#: Environment variable naming the course folder (what `course --course DIR` sets too).
ROOT_ENV = "COURSE_ROOT"
#: Environment variable naming the gradebook database; wins over nbgrader_config.py's db_url
#: (except in a scratch course, whose gradebook is always its own).
DB_URL_ENV = "COURSE_DB_URL"
#: Environment variable naming the learner's private state folder (see learner_home).
HOME_ENV = "COURSE_HOME"
#: The file that marks a scratch course (course.scratch) and names the command that made it.
SCRATCH_MARKER = ".course-scratch"


class CourseError(Exception):
    """A problem the user can fix; the CLI prints the message and exits non-zero."""


class GradingLimits(Configurable):
    """Limits applied to each grading job; set them in nbgrader_config.py (c.GradingLimits.*)."""

    cell_timeout = Integer(120, help="Seconds one notebook cell may run.").tag(config=True)
    notebook_timeout = Float(600, help="Seconds of wall clock one notebook may take.").tag(config=True)
    memory_bytes = Integer(4 * 1024**3, help="Memory one grading job may use, in bytes.").tag(config=True)
    max_processes = Integer(256, help="Processes one grading job may run at once.").tag(config=True)
    file_bytes = Integer(1024**3, help="Largest file a grading job may write, in bytes.").tag(config=True)
    output_bytes = Integer(1024**2, help="Output kept per notebook cell (errors included), in "
                                         "bytes.").tag(config=True)
    cpu_cores = Float(1.0, help="CPU cores one grading job may use at once (cgroup cpu "
                                "controller, where the grader may write cgroups).").tag(config=True)
    notebook_bytes = Integer(5 * 1024**2, help="Largest submitted notebook, in bytes: a bigger one is "
                                               "refused at submit and not graded.").tag(config=True)

    def as_dict(self) -> dict:
        return {"cell_timeout": self.cell_timeout, "notebook_timeout": self.notebook_timeout,
                "memory_bytes": self.memory_bytes, "max_processes": self.max_processes,
                "file_bytes": self.file_bytes, "output_bytes": self.output_bytes,
                "cpu_cores": self.cpu_cores, "notebook_bytes": self.notebook_bytes}


def find_root(start: Path | None = None, explicit: str | Path | None = None,
              origin: str = "--course") -> Path:
    """The course folder: `explicit`, else $COURSE_ROOT, else the nearest folder up from `start`.

    The course folder is the one holding nbgrader_config.py. It is never guessed from where the
    package was installed: a command run outside a course folder must not write into another one.
    `origin` names where `explicit` came from, for the error message.
    """
    if explicit is None and os.environ.get(ROOT_ENV):
        explicit, origin = os.environ[ROOT_ENV], ROOT_ENV
    if explicit is not None and str(explicit).strip():
        root = Path(explicit).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            what = "does not exist" if not root.exists() else f"has no {CONFIG_FILE}"
            raise CourseError(f"{origin}={explicit}: {root} {what}, so it is not a course folder "
                              f"(the course folder is the one holding {CONFIG_FILE})")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise CourseError(
        f"{here} is not inside a course folder (no {CONFIG_FILE} in it or above): run `course` "
        f"in the course folder, or name it with --course DIR or {ROOT_ENV}=DIR"
    )


def learner_home(root: Path | None = None) -> Path:
    """Where a learner's private state lives: $COURSE_HOME, else <course>/.course, else ~/.course.

    It holds the self-check progress and `course check`'s private gradebook; it is git-ignored and
    never part of the instructor's course data.
    """
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser()
    return (root / ".course") if root is not None else Path.home() / ".course"


def installed_course() -> Path | None:
    """The course folder this package was installed from (an editable install), or None.

    Only for reading: the notebooks' self-checks read their visible checks from it when a
    notebook is opened outside any course folder. No command writes there unless named.
    """
    packaged = Path(__file__).resolve().parent.parent
    return packaged if (packaged / CONFIG_FILE).is_file() else None


def normalize_db_url(url: str) -> str:
    """A SQLAlchemy URL whose PostgreSQL driver is psycopg (3), the one the course installs.

    SQLAlchemy reads a bare `postgresql://` as psycopg2, which is not installed.
    """
    return re.sub(r"^postgres(?:ql)?://", "postgresql+psycopg://", url.strip())


def is_scratch(root: Path) -> bool:
    """Whether `root` is a scratch course (the demo's, or `course check`'s private one)."""
    return (Path(root) / SCRATCH_MARKER).is_file()


def resolve_db_url(config: Config, root: Path | None = None) -> str:
    """The gradebook URL: $COURSE_DB_URL, else the config's CourseDirectory.db_url, normalized.

    A scratch course ignores $COURSE_DB_URL: its gradebook is the one its config names.
    """
    from .urls import check_db_url

    env = "" if root is not None and is_scratch(root) else os.environ.get(DB_URL_ENV, "").strip()
    if env:
        return check_db_url(env, DB_URL_ENV)
    url = config.CourseDirectory.get("db_url") or ""
    if not url:
        raise CourseError(f"no gradebook database: set CourseDirectory.db_url in {CONFIG_FILE}")
    return check_db_url(url, f"{CONFIG_FILE}'s CourseDirectory.db_url")


#: Gradebook URLs given as a parameter (course.api's db_url), by resolved course folder: see
#: gradebook_url. A plain mapping of this process, never the environment of a child process.
_GIVEN_DB_URLS: dict[Path, str] = {}
_GIVEN_LOCK = threading.Lock()


@contextmanager
def gradebook_url(root: Path, url: str | None) -> Iterator[None]:
    """While the block runs, every gradebook user of the course at `root` in this process (the
    grader's threads, nbgrader's apps) opens `url` (a checked URL, see course.urls.check_db_url).

    `url` None changes nothing: $COURSE_DB_URL, else nbgrader_config.py's db_url. A given URL wins
    over both, as `course grade --db-url` always has; a scratch course keeps its own gradebook.
    """
    if not url:
        yield
        return
    key = Path(root).resolve()
    with _GIVEN_LOCK:
        before = _GIVEN_DB_URLS.get(key)
        _GIVEN_DB_URLS[key] = url
    try:
        yield
    finally:
        with _GIVEN_LOCK:
            if before is None:
                _GIVEN_DB_URLS.pop(key, None)
            else:
                _GIVEN_DB_URLS[key] = before


def load_config(root: Path) -> Config:
    """nbgrader_config.py of the course, as nbgrader itself reads it, with the gradebook URL resolved
    (a URL given to gradebook_url for this course first)."""
    try:
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    except Exception as exc:  # the file is Python: any error can come out of it
        raise CourseError(f"{Path(root) / CONFIG_FILE} cannot be read: {type(exc).__name__}: "
                          f"{exc}") from None
    given = _GIVEN_DB_URLS.get(Path(root).resolve()) if _GIVEN_DB_URLS else None
    if given and not is_scratch(root):
        config.CourseDirectory.db_url = given
    elif os.environ.get(DB_URL_ENV) or "db_url" in config.CourseDirectory:
        config.CourseDirectory.db_url = resolve_db_url(config, root)
    return config


def grading_limits(root: Path) -> GradingLimits:
    return GradingLimits(config=load_config(root))


def check_learner_id(learner: str) -> str:
    """The learner id itself when it is valid; a CourseError saying why otherwise."""
    if not LEARNER_ID.match(learner or ""):
        raise CourseError(
            f"invalid learner id {learner!r}: use 1 to 63 characters, lower-case letters, digits, "
            "'-' or '_', starting with a letter or digit (for example 'ada' or 'team-3_bo')"
        )
    return learner


def check_level(level: str, root: Path | None = None) -> str:
    """The level itself when it exists in the course; a CourseError listing the levels otherwise."""
    if level not in LEVELS:
        raise CourseError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    if root is not None and not (root / "source" / level).is_dir():
        raise CourseError(f"level {level!r} has no notebooks yet in {root / 'source'}")
    return level


def available_levels(root: Path) -> list[str]:
    """Levels with at least one source notebook, in course order."""
    return [lvl for lvl in LEVELS if any((root / "source" / lvl).glob("*.ipynb"))]
