"""Time each course notebook: the reference executed top to bottom, and its grading by `course grade`.

"execute" runs the reference learner notebook top to bottom in a kernel (visible checks only);
"grade" is `course grade` of a learner who handed in that notebook alone (start-up, execution
and hidden tests). The course spec asks for under 60 s each on 2 cores; this prints the measured
figures and never fails on a time. Usage: .venv/bin/python bench/notebook_times.py [level1/01-ml-fundamentals ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.notebooks import source_notebooks  # noqa: E402
from tests.conftest import make_course, run_course, write_learner  # noqa: E402


def execute_seconds(nb_path: Path, workdir: Path) -> float:
    nb = nbformat.read(nb_path, 4)
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="*", help="level/notebook ids (default: all)")
    args = parser.parse_args()
    chosen = [p for p in source_notebooks(ROOT)
              if not args.notebooks or f"{p.parent.name}/{p.stem}" in args.notebooks]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        course = make_course(Path(tmp) / "course")
        print(f"{'notebook':40} {'execute s':>10} {'grade s':>10}")
        for path in chosen:
            level = path.parent.name
            learner = "ref-" + path.stem.split("-")[0]
            work = Path(tmp) / "work" / learner / level
            write_learner(course, learner, level, work)
            for other in work.glob("*.ipynb"):  # this notebook alone: the others score 0 at once
                if other.name != path.name:
                    other.unlink()
            run_course(course, "submit", level, "--learner", learner, "--from", str(work))
            run_dir = Path(tmp) / "run" / level / path.stem  # stems repeat across levels (99-review)
            run_dir.mkdir(parents=True)
            executed = execute_seconds(work / path.name, run_dir)
            started = time.perf_counter()
            run_course(course, "grade", level, "--learner", learner)
            graded = time.perf_counter() - started
            print(f"{level + '/' + path.stem:40} {executed:10.1f} {graded:10.1f}", flush=True)

if __name__ == "__main__":
    main()
