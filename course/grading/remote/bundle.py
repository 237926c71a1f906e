"""A level as a worker needs it to grade: built once per level and run by the coordinator.

The bundle is a gzipped tar of the course's nbgrader_config.py, the level's source/ and release/
folders and a SQLite gradebook holding only the course's and the level's instructor rows
(course.gradebook_rows.level_template). It travels through Redis once per run, under its digest
(`publish`); each worker unpacks it once into a cache folder of its own (`fetch`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

from course.config import CONFIG_FILE
from course.coursedir import release, source

log = logging.getLogger(__name__)

GRADEBOOK = "gradebook.db"
#: How long a published bundle stays in Redis (a run re-publishes it; workers cache it).
BUNDLE_TTL_S = 7 * 24 * 3600
#: Unpacked bundles unused for this long are removed from a worker's cache.
CACHE_DAYS = 7


def bundle_key(digest: str) -> str:
    return f"course:bundle:{digest}"


def _add(tar: tarfile.TarFile, path: Path, name: str) -> None:
    info = tarfile.TarInfo(name)
    data = path.read_bytes()
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    tar.addfile(info, io.BytesIO(data))


def make_bundle(root: Path, level: str) -> tuple[str, bytes]:
    """(digest, bytes) of `level`'s bundle; the same files give the same digest."""
    from course.gradebook_rows import level_template

    root = Path(root)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="course-bundle-") as tmp:
        template = Path(tmp) / GRADEBOOK
        level_template(root, level, template)
        # no time stamps (gzip's, the files'): the same files give the same bytes and digest
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz, \
                tarfile.open(fileobj=gz, mode="w") as tar:
            _add(tar, root / CONFIG_FILE, CONFIG_FILE)
            for part, folder in (("source", source(root, level)), ("release", release(root, level))):
                for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                    rel = path.relative_to(folder)
                    if not any(s.startswith(".") for s in rel.parts):
                        _add(tar, path, f"{part}/{level}/{rel.as_posix()}")
            _add(tar, template, GRADEBOOK)
    data = buffer.getvalue()
    return hashlib.sha256(data).hexdigest()[:32], data


def publish(connection, root: Path, level: str) -> str:  # noqa: ANN001 -- a Redis client
    """Make `level`'s bundle and put it in Redis for the workers; its digest."""
    digest, data = make_bundle(root, level)
    connection.set(bundle_key(digest), data, ex=BUNDLE_TTL_S)
    log.info("bundle of %s: %s (%d bytes)", level, digest, len(data))
    return digest


def cache_folder() -> Path:
    return Path(tempfile.gettempdir()) / f"course-bundles-{os.getuid()}"


def unpack(data: bytes, dest: Path) -> Path:
    """Unpack a bundle into `dest` (made whole or not at all)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(tmp, filter="data")
        try:
            tmp.rename(dest)
        except OSError:  # another worker of this machine unpacked it first
            if not dest.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def fetch(connection, digest: str) -> Path:  # noqa: ANN001 -- a Redis client
    """The unpacked bundle `digest`, from this worker's cache, else from Redis."""
    cache = cache_folder()
    dest = cache / digest
    if dest.is_dir():
        os.utime(dest)
        return dest
    data = connection.get(bundle_key(digest))
    if data is None:
        raise RuntimeError(f"the course bundle {digest} is no longer in Redis (its coordinator "
                           "is gone or older than a week)")
    _prune(cache)
    return unpack(data, dest)


def _prune(cache: Path) -> None:
    if not cache.is_dir():
        return
    limit = time.time() - CACHE_DAYS * 86400
    for folder in cache.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
