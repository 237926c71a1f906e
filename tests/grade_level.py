"""One level through the real `course submit` + `course grade`: the reference and every wrong file.

    python -m tests.grade_level level1 [--workers 2] [--only 01-ml-fundamentals] [--no-wrong]

Builds a course folder from this checkout, hands in the reference (every notebook of the level)
and one learner per file in tests/wrong/<level>/<notebook>/ (that notebook only, with the
reference answers and the file's definitions), grades them all with `course grade LEVEL`
(sandboxed, the two-kernel executor) and checks: the reference gets full autograded marks, each
wrong file loses exactly its FAILS criteria, each `ok_*` file none. Prints one line per learner
and exits non-zero when any verdict differs. This is the slow, faithful counterpart of
tests/test_notebooks.py (which runs the same files in one process).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course.grading.record.scores import level_results
from course.notebooks import source_notebooks
from course.samples import learner_notebook

from .conftest import ROOT, make_course, run_course
from .nbharness import declared_fails, wrong_files


def learner_id(notebook: str, wrong: Path) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", f"{notebook[:2]}-{wrong.stem}".lower())[:63]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("level")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="only this notebook's wrong files (e.g. 01-ml-fundamentals)")
    parser.add_argument("--no-wrong", action="store_true", help="the reference only")
    args = parser.parse_args(argv)
    sources = source_notebooks(ROOT, args.level)
    with tempfile.TemporaryDirectory(prefix="grade-level-") as tmp:
        course = make_course(Path(tmp) / "course")
        run_course(course, "init")
        expected: dict[str, tuple[str, set[str]]] = {}
        work = Path(tmp) / "work"

        def hand_in(learner: str, notebooks: dict[str, nbformat.NotebookNode]) -> None:
            folder = work / learner
            folder.mkdir(parents=True)
            for name, nb in notebooks.items():
                nbformat.write(nb, folder / name)
            run_course(course, "submit", args.level, "--learner", learner, "--from", str(folder))

        release = course / "release" / args.level
        hand_in("reference", {p.name: learner_notebook(p, release / p.name) for p in sources})
        expected["reference"] = ("*", set())
        for source in sources:
            if args.no_wrong or (args.only and source.stem != args.only):
                continue
            for wrong in wrong_files(source):
                learner = learner_id(source.stem, wrong)
                hand_in(learner, {source.name: learner_notebook(source, release / source.name,
                                                                wrong.read_text())})
                expected[learner] = (source.stem, declared_fails(wrong))
        started = time.monotonic()
        proc = run_course(course, "grade", args.level, "--workers", str(args.workers),
                          check=False, timeout=6 * 3600)
        seconds = time.monotonic() - started
        bad = 0
        for learner, (notebook, fails) in expected.items():
            results = level_results(course, args.level, learner)
            wanted = [c for c in results if not c.manual
                      and (notebook == "*" or c.notebook.endswith("/" + notebook))]
            lost = {c.id for c in wanted if c.score < c.max_score}
            ok = bool(wanted) and lost == fails
            bad += not ok
            detail = "" if ok else f"  lost {sorted(lost)}, expected {sorted(fails)}: " + "; ".join(
                f"{c.id}: {c.message}" for c in wanted if c.id in lost ^ fails)[:600]
            print(f"{'ok ' if ok else 'BAD'} {learner}{detail}", flush=True)
        print(f"{len(expected)} learners of {args.level} graded in {seconds:.0f} s "
              f"(load average {os.getloadavg()[0]:.1f}); {bad} verdict(s) differ")
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
