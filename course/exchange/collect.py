"""Back from the learners: exchange submissions and LMS downloads into submitted/.

Every submission goes through `course submit` (learner id, notebook names, valid notebooks,
earlier attempts kept), after checks of its own: files are read without following links and up
to nbgrader's `CourseDirectory.max_file_size`; on the exchange, a submission must belong to the
account it names (nbgrader's `ExchangeCollect.check_owner`, refused here rather than warned about),
and its time is the time it claims unless its files were written later than that (a learner's own
server writes the claim; the file system's change times cannot be set back).
"""

from __future__ import annotations

import logging
import os
import pwd
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import parse_utc

from ..config import CourseError, available_levels, check_learner_id, check_level, load_config
from ..nbgrader_app import ensure_tools_on_path
from ..notebooks import NotebookError
from ..submit import expected_names, submit
from .publish import SECRET_FILE, TIMESTAMP_FILE

log = logging.getLogger(__name__)

#: Clock skew tolerated between a submission's claimed time and its files' change time.
SKEW = timedelta(minutes=2)
COLLECTED, UNCHANGED, REFUSED = "collected", "unchanged", "refused"


@dataclass(frozen=True)
class Collected:
    """What became of one learner's submission of one level."""

    learner: str
    level: str
    status: str  # COLLECTED, UNCHANGED or REFUSED
    submitted_at: datetime | None = None
    note: str = ""


class _LatestSubmissions(ExchangeCollect):
    """nbgrader's choice of each learner's latest exchange submission; the copying is ours."""

    def _path_to_record(self, path: str) -> dict:
        try:
            return super()._path_to_record(path)
        except Exception:  # a folder name nbgrader cannot read: set aside, never fatal
            self.unreadable.append(os.path.basename(path))
            return {"username": "", "filename": os.path.basename(path), "timestamp": datetime.min}

    def copy_files(self) -> None:
        self.chosen = [(rec["username"], Path(self.inbound_path) / rec["filename"], rec["timestamp"])
                       for rec in self.src_records if rec["username"]]


def _max_bytes(config) -> int:
    return int(CourseDirectory(config=config).max_file_size) * 1000


def _read_regular(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes, never through a link; OSError or CourseError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CourseError(f"{path.name} is not a regular file")
        if info.st_size > limit:
            raise CourseError(f"{path.name} is larger than {limit // 1000} kB "
                              "(CourseDirectory.max_file_size)")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1), info
    finally:
        os.close(fd)


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _read_exchange_submission(folder: Path, learner: str, names: list[str], limit: int,
                              check_owner: bool) -> tuple[dict[str, bytes], str, float]:
    """({notebook: bytes}, secret, latest change time) of one exchange submission folder."""
    top = os.lstat(folder)
    if not stat.S_ISDIR(top.st_mode):
        raise CourseError("the submission is not a folder")
    owners = {top.st_uid}
    changed = top.st_ctime
    files: dict[str, bytes] = {}
    secret = ""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name not in names and entry.name not in (SECRET_FILE, TIMESTAMP_FILE):
            continue
        data, info = _read_regular(Path(entry.path), limit)
        owners.add(info.st_uid)
        changed = max(changed, info.st_ctime)
        if entry.name == SECRET_FILE:
            secret = data[:1024].decode("ascii", "replace").strip()
        elif entry.name in names:
            files[entry.name] = data
    if check_owner and {_owner(uid) for uid in owners} != {learner}:
        raise CourseError(f"it names {learner} but belongs to "
                          + ", ".join(sorted({_owner(uid) for uid in owners})))
    return files, secret, changed


def _already(root: Path, learner: str, level: str, secret: str) -> bool:
    current = root / "submitted" / learner / level / SECRET_FILE
    try:
        return bool(secret) and current.read_text().strip() == secret
    except OSError:
        return False


def _take_in(root: Path, level: str, learner: str, files: dict[str, bytes],
             submitted_at: datetime, secret: str = "", note: str = "") -> Collected:
    """Hand the files in with `course submit`; the exchange's secret is kept beside them."""
    with tempfile.TemporaryDirectory(prefix="course-collect-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        try:
            dest = submit(root, level, learner, Path(tmp), now=submitted_at)
        except (CourseError, NotebookError) as exc:
            return Collected(learner, level, REFUSED, submitted_at,
                             str(exc).replace(tmp + os.sep, "").replace(tmp, "the submission"))
    if secret:
        (dest / SECRET_FILE).write_text(secret)
    return Collected(learner, level, COLLECTED, submitted_at, note)


def collect_exchange(root: Path, level: str | None = None) -> list[Collected]:
    """Every learner's latest exchange submission of `level` (every level when None)."""
    ensure_tools_on_path()
    levels = [check_level(level, root)] if level else available_levels(root)
    config = load_config(root)
    limit = _max_bytes(config)
    results = []
    for lvl in levels:
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = lvl
        if not (Path(config.Exchange.root) / coursedir.course_id / "inbound").is_dir():
            raise CourseError(f"the exchange {config.Exchange.root} has no inbound folder for "
                              f"{coursedir.course_id}: release a level first (`course release`)")
        chooser = _LatestSubmissions(coursedir=coursedir, config=config,
                                     authenticator=Authenticator(config=config))
        chooser.log.setLevel(logging.ERROR)
        chooser.chosen, chooser.unreadable = [], []
        chooser.start()
        for name in chooser.unreadable:
            results.append(Collected(name.split("+", 1)[0] or "?", lvl, REFUSED, None,
                                     f"{name}: not a submission folder name nbgrader can read"))
        for learner, folder, claimed in sorted(chooser.chosen):
            results.append(_collect_one(root, lvl, learner, folder, claimed, limit,
                                        bool(chooser.check_owner)))
    return results


def _collect_one(root: Path, level: str, learner: str, folder: Path, claimed: datetime,
                 limit: int, check_owner: bool) -> Collected:
    try:
        check_learner_id(learner)
        files, secret, changed = _read_exchange_submission(
            folder, learner, expected_names(root, level), limit, check_owner)
    except (CourseError, OSError) as exc:
        return Collected(learner, level, REFUSED, None, f"{folder.name}: {exc}")
    claimed = claimed.replace(tzinfo=UTC)
    written = datetime.fromtimestamp(changed, UTC)
    note = ""
    submitted_at = claimed
    if written - claimed > SKEW:
        submitted_at = written
        note = (f"its files were written at {written:%Y-%m-%d %H:%M:%S} UTC, later than the "
                f"time it claims ({claimed:%Y-%m-%d %H:%M:%S} UTC): the later time counts")
    if _already(root, learner, level, secret):
        return Collected(learner, level, UNCHANGED, submitted_at, "collected before")
    return _take_in(root, level, learner, files, submitted_at, secret, note)


def collect_zip(root: Path, archive: Path, level: str) -> list[Collected]:
    """The submissions of an LMS download (a zip of notebooks), one per learner.

    nbgrader's FileNameCollectorPlugin (its `named_regexp` in nbgrader_config.py) turns each file
    name inside the zip into a learner id and a notebook name, and a submission time when the
    expression has a `timestamp` group; otherwise the file's time inside the zip counts.
    """
    check_level(level, root)
    archive = Path(archive)
    if not zipfile.is_zipfile(archive):
        raise CourseError(f"{archive} is not a zip file")
    config = load_config(root)
    plugin = FileNameCollectorPlugin(config=config)
    plugin.log.setLevel(logging.ERROR)
    if not plugin.named_regexp:
        raise CourseError("set c.FileNameCollectorPlugin.named_regexp in nbgrader_config.py: it "
                          "turns a file name of the download into a learner id and a notebook")
    limit = _max_bytes(config)
    names = set(expected_names(root, level))
    found: dict[str, dict[str, bytes]] = {}
    times: dict[str, datetime] = {}
    unmatched = []
    problems: dict[str, str] = {}
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            match = plugin.collect(info.filename)
            notebook = Path(str((match or {}).get("file_id") or "")).name
            if not match or notebook not in names:
                unmatched.append(info.filename)
                continue
            learner = str(match["student_id"])
            if info.file_size > limit:
                problems[learner] = f"{info.filename} is larger than {limit // 1000} kB"
                continue
            with zf.open(info) as fh:
                data = fh.read(limit + 1)
            if len(data) > limit:
                problems[learner] = f"{info.filename} is larger than {limit // 1000} kB"
                continue
            found.setdefault(learner, {})[notebook] = data
            stamp = _zip_time(match.get("timestamp"), info)
            times[learner] = max(times.get(learner, stamp), stamp)
    if unmatched:
        log.warning("%d file(s) of %s matched no learner and notebook of %s (first: %s)",
                    len(unmatched), archive.name, level, unmatched[0])
    results = []
    for learner in sorted(set(found) | set(problems)):
        try:
            check_learner_id(learner)
        except CourseError as exc:
            results.append(Collected(learner, level, REFUSED, None, str(exc)))
            continue
        if learner in problems:
            results.append(Collected(learner, level, REFUSED, None, problems[learner]))
            continue
        results.append(_take_in(root, level, learner, found[learner], times[learner]))
    if not results:
        raise CourseError(f"no file of {archive} matched c.FileNameCollectorPlugin.named_regexp "
                          f"with a notebook of {level} ({', '.join(sorted(names))})")
    return results


def _zip_time(claimed: object, info: zipfile.ZipInfo) -> datetime:
    if isinstance(claimed, str) and claimed.strip():
        try:
            return parse_utc(claimed).replace(tzinfo=UTC)
        except (ValueError, OverflowError):
            log.warning("ignoring the unreadable time %r in %s", claimed, info.filename)
    return datetime(*info.date_time).astimezone(UTC)  # zip times are local times
