"""course.grading.sandbox.inside.shared_files: tempfile's modes in the two kernels (in a child process each, since
it patches `tempfile` for the whole process)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import json, os, stat, sys, tempfile
from course.grading.sandbox.inside import shared_files
os.umask(0o007)
getattr(shared_files, sys.argv[1])()
shared = os.environ["COURSE_SHARED_DIR"]
modes = {}
def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)
folder = tempfile.mkdtemp(dir=shared)
modes["shared_folder"] = mode(folder)
fd, name = tempfile.mkstemp(dir=folder)
os.close(fd)
modes["shared_file"] = mode(name)
with tempfile.NamedTemporaryFile(dir=folder, delete=False) as f:
    modes["shared_named"] = mode(f.name)
elsewhere = tempfile.mkdtemp(dir=os.environ["ELSEWHERE"])
modes["other_folder"] = mode(elsewhere)
fd, name = tempfile.mkstemp(dir=elsewhere)
modes["other_file"] = mode(name)
modes["default_dir"] = os.path.dirname(tempfile.mkdtemp()) == shared
private = shared_files.private_folder("p-")
modes["private"] = [mode(private), private.startswith(os.environ["COURSE_PRIVATE_TMP"])]
print(json.dumps(modes))
"""


def _run(tmp_path: Path, setup: str) -> dict:
    shared, elsewhere, private = (tmp_path / n for n in ("shared", "elsewhere", "private"))
    for folder in (shared, elsewhere, private):
        folder.mkdir()
    os.chmod(shared, 0o2770)
    env = dict(os.environ, COURSE_SHARED_DIR=str(shared), ELSEWHERE=str(elsewhere),
               COURSE_PRIVATE_TMP=str(private))
    out = subprocess.run([sys.executable, "-c", PROBE, setup], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_the_grader_shares_only_what_it_makes_in_the_shared_folder(tmp_path):
    modes = _run(tmp_path, "grader_setup")
    assert modes["shared_folder"] == 0o770 | stat.S_ISGID  # the group keeps owning what is inside
    assert modes["shared_file"] == modes["shared_named"] == 0o660
    assert modes["other_folder"] == 0o700 and modes["other_file"] == 0o600
    assert modes["default_dir"] is True  # a test's mkdtemp() lands in the shared folder
    assert modes["private"] == [0o700, True]


def test_the_learner_side_shares_what_tempfile_makes_anywhere(tmp_path):
    modes = _run(tmp_path, "learner_setup")
    assert modes["shared_folder"] == 0o770 | stat.S_ISGID
    assert modes["shared_file"] == modes["shared_named"] == 0o660  # mkstemp + os.replace
    assert modes["other_folder"] == 0o770 and modes["other_file"] == 0o660
    assert not modes["shared_file"] & 0o007  # never other uids'
