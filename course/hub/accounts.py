"""Local accounts and the course's two Unix groups: formgrade-<course> (instructors) and
nbgrader-<course> (learners), the names nbgrader's JupyterHub integration reads."""

from __future__ import annotations

import grp
import logging
import pwd
import secrets
import subprocess

from ..config import CourseError, check_learner_id

log = logging.getLogger(__name__)


def instructor_group(course_id: str) -> str:
    return f"formgrade-{course_id}"


def learner_group(course_id: str) -> str:
    return f"nbgrader-{course_id}"


def _run(*cmd: str, stdin: str | None = None) -> None:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CourseError(f"{' '.join(cmd[:2])} failed: {(proc.stderr or proc.stdout).strip()}")


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def members(group: str) -> set[str]:
    """Accounts in a Unix group, as a supplementary or as their primary group."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return set()
    primary = {p.pw_name for p in pwd.getpwall() if p.pw_gid == entry.gr_gid}
    return set(entry.gr_mem) | primary


def ensure_group(name: str) -> None:
    if not group_exists(name):
        log.info("creating group %s", name)
        _run("groupadd", "--system", name)


def ensure_account(name: str, groups: list[str]) -> str | None:
    """The account in these groups; creates it with a random password (returned) when missing."""
    check_learner_id(name)  # an account name is the learner id nbgrader records
    for group in groups:
        ensure_group(group)
    if account_exists(name):
        _run("usermod", "--append", "--groups", ",".join(groups), name)
        return None
    log.info("creating account %s", name)
    _run("useradd", "--create-home", "--shell", "/bin/bash", "--groups", ",".join(groups), name)
    password = secrets.token_urlsafe(12)
    _run("chpasswd", stdin=f"{name}:{password}\n")
    return password


def set_password(name: str, password: str) -> None:
    _run("chpasswd", stdin=f"{name}:{password}\n")


def remove_account(name: str) -> None:
    """Delete an account and its home folder (demo and test accounts only)."""
    if account_exists(name):
        _run("userdel", "--remove", name)
