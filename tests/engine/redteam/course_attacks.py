"""The red-team attacks on the course's own notebooks, through the real `course submit` + `course grade`.

    .venv/bin/python -m tests.engine.redteam.course_attacks level2 [--workers 2]

Two kinds of learner, each handing in one notebook of the level:
- `course/<level>/<notebook>/<name>.py`: the reference answers with a wrong implementation (its
  `FAILS` are the criteria its honest mistakes lose, as in tests/wrong/) plus an attack that
  should not change that: it must lose exactly FAILS.
- `takeover` (level2 only): the blank release of 02-serving-at-scale whose `CachedPredictor`
  takes the grader kernel over through the embedded Redis (build.py, finding 1): it must score 0.
Prints one line per learner and exits non-zero when an attack changed a verdict.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat import v4

from course.grading.record.scores import level_results
from course.samples import learner_notebook

from ...conftest import ROOT, make_course, run_course
from ...nbharness import declared_fails
from . import build

HERE = Path(__file__).resolve().parent / "course"
TAKEOVER_NOTEBOOK = "02-serving-at-scale"

TAKEOVER_CLASS = build.REDIS_TAKEOVER["cache_put"].replace(
    "def cache_put(client, key, value):",
    "def _take_over(client):").replace("01-redteam.ipynb", f"{TAKEOVER_NOTEBOOK}.ipynb") + """


class CachedPredictor:
    def __init__(self, model, redis, model_version="v1", ttl=3600, breaker=None):
        _take_over(redis)  # the test's own Redis client, lent by reference

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def predict(self, features):
        return None
"""


def attack_files(level: str) -> list[Path]:
    return sorted((HERE / level).glob("*/*.py"))


def takeover_notebook(release: Path) -> nbformat.NotebookNode:
    """The blank release with the takeover, a wait after the first Redis test, and a leak cell."""
    nb = nbformat.read(release, as_version=4)
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
    nb.cells[ids.index("ans_CachedPredictor")].source = TAKEOVER_CLASS
    nb.cells.insert(ids.index("l2_cache_correctness") + 1, v4.new_code_cell(build.WAIT_INJECTED))
    nb.cells.append(v4.new_code_cell(build.PRINT_LEAK))
    return nb


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("level")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="redteam-course-") as tmp:
        course = make_course(Path(tmp) / "course")
        run_course(course, "init")
        release = course / "release" / args.level
        work = Path(tmp) / "work"
        expected: dict[str, tuple[str, set[str] | None]] = {}

        def hand_in(learner: str, name: str, nb: nbformat.NotebookNode) -> None:
            folder = work / learner
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / name)
            run_course(course, "submit", args.level, "--learner", learner, "--from", str(folder))

        for path in attack_files(args.level):
            notebook = path.parent.name
            learner = f"rt-{path.stem}".replace("_", "-")
            hand_in(learner, f"{notebook}.ipynb", learner_notebook(
                ROOT / "source" / args.level / f"{notebook}.ipynb", release / f"{notebook}.ipynb",
                path.read_text()))
            expected[learner] = (notebook, declared_fails(path))
        if (release / f"{TAKEOVER_NOTEBOOK}.ipynb").exists():
            hand_in("rt-takeover", f"{TAKEOVER_NOTEBOOK}.ipynb",
                    takeover_notebook(release / f"{TAKEOVER_NOTEBOOK}.ipynb"))
            expected["rt-takeover"] = (TAKEOVER_NOTEBOOK, None)  # None: every criterion lost
        started = time.monotonic()
        proc = run_course(course, "grade", args.level, "--workers", str(args.workers),
                          check=False, timeout=6 * 3600)
        bad = 0
        for learner, (notebook, fails) in expected.items():
            wanted = [c for c in level_results(course, args.level, learner)
                      if not c.manual and c.notebook.endswith("/" + notebook)]
            lost = {c.id for c in wanted if c.score < c.max_score}
            ok = bool(wanted) and lost == (fails if fails is not None else {c.id for c in wanted})
            bad += not ok
            got = sum(c.score for c in wanted)
            print(f"{'ok ' if ok else 'BAD'} {learner}: {got:g}/{sum(c.max_score for c in wanted):g}"
                  f"; lost {sorted(lost)}, honest answers lose {sorted(fails) if fails else 'all'}",
                  flush=True)
        print(f"{len(expected)} learners of {args.level} graded in {time.monotonic() - started:.0f} s; "
              f"{bad} attack(s) changed a verdict")
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-2000:])
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
