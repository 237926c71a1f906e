"""A job's files beside RQ's job data: the submission's notebooks out, the autograded files back.

RQ keeps a job's arguments zlib-compressed in its job hash and its result in a stream; JSON
escaping and compressing the ~250 kB of notebooks a level1 job carries, and decoding the ~450 kB
it answers with, were the largest part of the coordinator's work per job. The files travel as
raw bytes in Redis hashes of their own instead (one field per file), named in the payload and in
the answer. The coordinator removes both once the result is stored (`drop`); they expire after
BLOB_TTL_S when it cannot (it was killed).
"""

from __future__ import annotations

import uuid
from typing import Any

#: How long a job's files wait in Redis: beyond any queue wait and any job's time limit.
BLOB_TTL_S = 7 * 24 * 3600
PREFIX = "course:files:"
_HERE = "."  # never a file's name


def _put(connection: Any, key: str, files: dict[str, str | bytes]) -> None:
    with connection.pipeline(transaction=False) as pipe:
        pipe.delete(key)
        # a field of its own, so that a job with no files still has its hash
        pipe.hset(key, mapping={_HERE: b"", **{name: (data.encode() if isinstance(data, str)
                                                      else data) for name, data in files.items()}})
        pipe.expire(key, BLOB_TTL_S)
        pipe.execute()


def _take(connection: Any, key: str) -> dict[str, bytes]:
    files = {(name.decode() if isinstance(name, bytes) else name): data
             for name, data in connection.hgetall(key).items()}
    if files.pop(_HERE, None) is None:
        raise RuntimeError(f"the files {key} are no longer in Redis (expired, or the job was "
                           "already recorded)")
    return files


def send_job(connection: Any, job: dict) -> dict:
    """`job` as it is enqueued: its notebooks in a hash of their own, named by "files"."""
    key = f"{PREFIX}{uuid.uuid4().hex}"
    _put(connection, f"{key}:in", job["notebooks"])
    return {**job, "notebooks": sorted(job["notebooks"]), "files": key}


def receive_job(connection: Any, payload: dict) -> dict:
    """The worker's side of send_job: the job with its notebooks' text."""
    if "files" not in payload:
        return payload
    files = _take(connection, f"{payload['files']}:in")
    return {**payload, "notebooks": {name: files[name].decode("utf-8")
                                     for name in payload["notebooks"]}}


def send_answer(connection: Any, payload: dict, answer: dict) -> dict:
    """The worker's answer as it is returned: its files in a hash of their own."""
    if "files" not in payload:
        return answer
    _put(connection, f"{payload['files']}:out", answer["files"])
    return {**answer, "files": f"{payload['files']}:out"}


def receive_answer(connection: Any, answer: dict) -> dict:
    """The coordinator's side of send_answer: the answer with its files as bytes."""
    if not isinstance(answer.get("files"), str):
        return answer
    return {**answer, "files": _take(connection, answer["files"])}


def drop(connection: Any, payload: dict) -> None:
    """Remove a job's files once its outcome is known."""
    if "files" in payload:
        connection.delete(f"{payload['files']}:in", f"{payload['files']}:out")
