"""Who runs what in the sandbox (red-team findings 1 and 1b, and the shared folder of finding 7).

One small job through `execute_job` (the real launcher, executor and two kernels, sandboxed as
root): its test cells run in the grader kernel and *look* at the sandbox, each ending with
`check(...)`, so a cell passes only when what it asserts holds.

- The notebook's Redis runs as the services' uid, not as the grader's, outside the grader
  kernel's process tree, and refuses MODULE, CONFIG, DEBUG and SHUTDOWN.
- No process of the job holds a capability (effective, permitted or ambient): the grader reads
  learner files by their permissions only, so a symlink the learner planted to a file it cannot
  read (`/etc/shadow`) gives the grader nothing either.
- The grader kernel is non-dumpable and its connection file (its key) is gone once it runs.
- Files the learner's code makes with `tempfile.mkstemp` (atomic writes) are readable by the
  tests; the test's temp files are the group's, not world-writable.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from course.config import GradingLimits
from course.grading.sandbox import host as sandbox_mod
from course.grading.sandbox.execute import execute_job

pytestmark = pytest.mark.skipif(
    not (sandbox_mod.sandbox_available() and os.geteuid() == 0),
    reason="needs bubblewrap entered as root (separate uids)")

LEARNER = '''
import os, tempfile
from course.services import redis_client, redis_url

def save_atomically(text, path):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)

def plant(path):
    os.symlink("/etc/shadow", path)

def my_uid():
    return os.getuid()

def my_redis_url():
    return redis_url()
'''

#: Each test cell is one criterion; each must pass.
TESTS = {
    "t_redis": '''
import os
from course.services import redis_client, redis_url
from course.testing import as_int, as_str, check

rc = redis_client()
rc.set("k", "v")
check(rc.get("k") == b"v", "the notebook's Redis answers")
check(as_str(my_redis_url(), "url") != redis_url(),
      "the learner's own cells have their own Redis: what they cached never answers a test")
port = rc.connection_pool.connection_kwargs["port"]

def owner_of_listener(port):
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            return int(fields[7])
    return None

server_uid = owner_of_listener(port)
check(server_uid is not None and server_uid not in (os.getuid(), as_int(my_uid(), "uid")),
      f"Redis runs as uid {server_uid}: neither the grader ({os.getuid()}) nor the learner")
children = [int(p) for t in os.listdir(f"/proc/{os.getpid()}/task")
            for p in open(f"/proc/{os.getpid()}/task/{t}/children").read().split()]
check(children == [], f"the grader kernel started processes: {children}")
for command in ("MODULE LIST", "CONFIG GET dir", "DEBUG SLEEP 0", "SHUTDOWN NOSAVE"):
    try:
        rc.execute_command(*command.split())
    except Exception as exc:
        check("unknown command" in str(exc), f"{command}: {exc}")
    else:
        raise AssertionError(f"Redis accepted {command}")
check(rc.ping(), "Redis still runs")
''',
    "t_caps": '''
import ctypes, os
from course.testing import check

def caps(pid):
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines())
    return {k: int(fields[k], 16) for k in ("CapEff", "CapPrm", "CapAmb", "CapInh")}

check(set(caps("self").values()) == {0}, f"the grader kernel holds capabilities: {caps('self')}")
seen = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        status = open(f"/proc/{pid}/status").read()
    except OSError:
        continue
    uid = int(status.split("Uid:")[1].split()[0])
    if uid != 0:
        seen[pid] = (uid, caps(pid))
check(seen and all(set(c.values()) == {0} for _, c in seen.values()),
      f"a process of the job holds capabilities: {seen}")
check(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0, "the grader kernel should be non-dumpable")
check(not os.path.exists(os.path.join(os.environ["HOME"], "kernel.json")),
      "the grader kernel's connection file is still there")
''',
    "t_files": '''
import os, stat, tempfile
from course.testing import check

folder = tempfile.mkdtemp()
mode = os.stat(folder).st_mode
check(not mode & 0o007, f"the test's folder is open to every uid: {oct(mode)}")
path = os.path.join(folder, "atomic.txt")
save_atomically("hello", path)
with open(path) as f:
    check(f.read() == "hello", "the test reads what the learner wrote with mkstemp")
check(not os.stat(path).st_mode & 0o007, "the learner's file is open to every uid")
link = os.path.join(folder, "planted.txt")
plant(link)
try:
    with open(link) as f:
        leaked = f.read()
except PermissionError:
    leaked = None
check(leaked is None, "the grader read /etc/shadow through the learner's symlink")
''',
}


def _job() -> dict:
    cells = [v4.new_code_cell(LEARNER)]
    for grade_id, source in TESTS.items():
        cell = v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": grade_id, "points": 1, "schema_version": 3}
        cells.append(cell)
    nb = v4.new_notebook(cells=cells)
    limits = GradingLimits().as_dict()
    limits.update(cell_timeout=60, notebook_timeout=300)
    return {"notebooks": {"uids.ipynb": nbformat.writes(nb)}, "limits": limits}


@pytest.fixture(scope="module")
def executed():
    answer = execute_job(_job(), sandbox="sandbox")
    assert not answer.get("failed"), answer
    return answer, nbformat.reads(answer["notebooks"]["uids.ipynb"], as_version=4)


@pytest.mark.parametrize("grade_id", list(TESTS))
def test_each_check_holds_in_the_sandbox(executed, grade_id):
    answer, nb = executed
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert not errors, (errors, answer["errors"])


def test_the_job_lists_the_services_uid(executed):
    answer, _ = executed
    assert any("services uid" in item for item in answer["isolation"]), answer["isolation"]


def test_no_capability_is_left_to_the_launcher_to_hand_on():
    assert "dac_read_search" not in sandbox_mod.LAUNCHER_CAPS


def test_shared_files_module_needs_only_the_standard_library():
    source = Path(__file__).resolve().parents[2] / "course" / "grading" / "sandbox" / "inside" / "shared_files.py"
    imports = [line.split()[1] for line in source.read_text().splitlines()
               if line.startswith(("import ", "from ")) and "__future__" not in line]
    assert set(imports) <= {"os", "stat", "tempfile", "collections.abc", "typing"}, imports
