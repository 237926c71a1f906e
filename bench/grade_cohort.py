"""Benchmark: `course grade` against the engine before the two-kernel separation and against
plain `nbgrader autograde` (serial), on one cohort, side by side in one run.

    .venv/bin/python bench/grade_cohort.py [--learners 12] [--workers 2] [--rounds 2]
        [--baseline REF] [--skip-pure]

Builds one level1 cohort (reference, partial, blank and broken work) in a course folder and
grades copies of it with `nbgrader autograde level1` (one command) and with `course grade level1
--workers N`. The same cohort is built a second time from the course as it was at REF (default:
the commit before course/grading/sandbox/inside/launcher.py was added: one kernel per notebook, the in-process
guard) and graded with that commit's own `course grade` (its code unpacked with `git archive`,
run with this environment). Rounds alternate the order, so a change in the machine's load hits
all three alike. Printed: each time, the separation's cost (new / before, target at most 1.15),
the speed-up over serial nbgrader (target at least 1.9 on 2 cores), whether the scores agree, and
the efficiency of `course grade` against the pure execution time of the same notebooks.
Timings depend on what else the machine runs: the load average is printed with every figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from course.gradebook import open_gradebook  # noqa: E402
from course.init import init_course  # noqa: E402
from course.notebooks import read_notebook  # noqa: E402
from course.samples import learner_notebook  # noqa: E402
from course.submit import submit  # noqa: E402

LEVEL = "level1"
#: A broken learner: the pipeline builder raises, and evaluation divides by zero.
BROKEN = '''def build_pipeline(*args, **kwargs):
    raise RuntimeError("not finished")


def evaluate(model, X_test, y_test):
    return 1 / 0
'''
KINDS = ("reference", "partial", "blank", "broken")


def make_course(dest: Path, repo: Path = REPO) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(repo / "nbgrader_config.py", dest)
    for folder in ("source", "release"):
        (dest / folder).mkdir()
        shutil.copytree(repo / folder / LEVEL, dest / folder / LEVEL)
    init_course(dest)
    return dest


def baseline_ref() -> str:
    """The commit before the two-kernel executor was added (as course/grading/launcher.py, before
    the grading folder was regrouped)."""
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--",
                            "course/grading/launcher.py"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.split()
    return f"{added[-1]}^" if added else "HEAD"


def unpack(ref: str, dest: Path) -> Path:
    """The repository's files at `ref` in `dest` (git archive: the repository is not touched).

    The installed package is this checkout's; that engine's executor gets PYTHONPATH (which its
    sandbox passes on: it predates isolated mode) so that it runs its own version inside."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=REPO,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    execute = dest / "course" / "grading" / "execute.py"
    text = execute.read_text()
    marker = '"PYTHONNOUSERSITE": "1",'
    if marker in text and "PYTHONPATH" not in text:
        execute.write_text(text.replace(marker, marker + f' "PYTHONPATH": {str(dest)!r},', 1))
    return dest


def hand_in_cohort(course: Path, n: int) -> list[str]:
    partial = (REPO / "course" / "demo" / "work" / LEVEL / "partial.py").read_text()
    learners = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        learner = f"{kind}-{i:02d}"
        with tempfile.TemporaryDirectory() as tmp:
            for release_nb in sorted((course / "release" / LEVEL).glob("*.ipynb")):
                source_nb = course / "source" / LEVEL / release_nb.name
                if kind == "blank":
                    nb = read_notebook(release_nb)
                else:
                    override = {"reference": None, "partial": partial, "broken": BROKEN}[kind]
                    nb = learner_notebook(source_nb, release_nb, override)
                nbformat.write(nb, Path(tmp) / release_nb.name)
            submit(course, LEVEL, learner, Path(tmp))
        learners.append(learner)
    return learners


def scores(course: Path) -> dict[tuple[str, str], float | None]:
    out = {}
    with open_gradebook(course) as gb:
        for sub in gb.assignment_submissions(LEVEL):
            for nb_sub in sub.notebooks:
                for g in nb_sub.grades:
                    if g.cell.cell_type == "code":
                        out[(sub.student.id, g.name)] = g.auto_score
    return out


def timed(cmd: list[str], cwd: Path, code: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, COURSE_ROOT=str(cwd), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if code is not None:  # another version of the course package, ahead of the installed one
        env["PYTHONPATH"] = str(code)
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.monotonic() - started, proc


def pure_execution(course: Path, learners: list[str], cell_timeout: int) -> float:
    """Seconds to execute every notebook as graded (the instructor's tests, hidden ones included,
    restored by prepare_job) once, serially, with nbclient alone: no sandbox, no grading."""
    from nbclient import NotebookClient

    from course.grading.prepare.job import prepare_job

    total = 0.0
    for learner in learners:
        job = prepare_job(course, LEVEL, learner)
        for _name, text in sorted(job["notebooks"].items()):
            nb = nbformat.reads(text, as_version=4)
            with tempfile.TemporaryDirectory() as tmp:
                client = NotebookClient(nb, timeout=cell_timeout, allow_errors=True,
                                        kernel_name="python3", resources={"metadata": {"path": tmp}})
                started = time.monotonic()
                client.execute()
                total += time.monotonic() - started
    return total


def cpu_seconds() -> float:
    """CPU time of reaped child processes. Processes inside a bubblewrap pid namespace are reaped
    there and mostly not counted: the figure is comparable for nbgrader runs only."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_plain(course: Path) -> tuple[float, float]:
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    cpu = cpu_seconds()
    seconds, proc = timed([nbgrader, "autograde", LEVEL], course)
    cpu = cpu_seconds() - cpu
    print(f"  nbgrader autograde {LEVEL} (serial): {seconds:.1f} s, {cpu:.0f} s CPU, "
          f"exit {proc.returncode}, load {os.getloadavg()[0]:.1f}", flush=True)
    return seconds, cpu


def run_engine(course: Path, workers: int, code: Path | None = None,
               label: str = "") -> tuple[float, float]:
    cpu = cpu_seconds()
    seconds, proc = timed([sys.executable, "-m", "course", "grade", LEVEL, "--workers", str(workers)],
                          course, code)
    cpu = cpu_seconds() - cpu
    print(f"  course grade {LEVEL} --workers {workers}{label}: {seconds:.1f} s, {cpu:.0f} s CPU, "
          f"exit {proc.returncode}, load {os.getloadavg()[0]:.1f}", flush=True)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
    return seconds, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1,
                        help="Rounds, each in another order of the three gradings, so a change "
                             "in the machine's load hits all of them alike.")
    parser.add_argument("--baseline", default=None,
                        help="git ref of the engine to compare with (default: the commit before "
                             "the two-kernel executor).")
    parser.add_argument("--skip-baseline", action="store_true", help="Skip the engine before.")
    parser.add_argument("--skip-pure", action="store_true", help="Skip the pure execution run.")
    parser.add_argument("--pure-sample", type=int, default=0,
                        help="Execute only the first N learners for the pure time and scale it "
                             "to the cohort (0: all).")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        pristine = make_course(Path(tmp) / "pristine")
        learners = hand_in_cohort(pristine, args.learners)
        base_code = base_pristine = None
        if not args.skip_baseline:
            ref = args.baseline or baseline_ref()
            base_code = unpack(ref, Path(tmp) / "baseline-code")
            base_pristine = make_course(Path(tmp) / "baseline-pristine", base_code)
            hand_in_cohort(base_pristine, args.learners)
            print(f"engine before: {ref} ({subprocess.run(['git', 'rev-parse', '--short', ref], cwd=REPO, capture_output=True, text=True).stdout.strip()})")
        print(f"cohort: {len(learners)} learners of {LEVEL} ({', '.join(KINDS)}), "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
        totals = {"plain": 0.0, "new": 0.0, "before": 0.0}
        plain_cpu = 0.0
        plain = engine = pristine
        for r in range(args.rounds):
            plain, engine = Path(tmp) / f"plain{r}", Path(tmp) / f"engine{r}"
            shutil.copytree(pristine, plain)
            shutil.copytree(pristine, engine)
            before = None
            if base_pristine is not None:
                before = Path(tmp) / f"before{r}"
                shutil.copytree(base_pristine, before)
            print(f"round {r + 1}:", flush=True)
            runs = {
                "plain": lambda p=plain: run_plain(p),
                "new": lambda e=engine: run_engine(e, args.workers),
                "before": (lambda b=before: run_engine(b, args.workers, base_code, " (engine before)"))
                if before is not None else None,
            }
            order = [k for k in ("plain", "new", "before") if runs[k] is not None]
            order = order[r % len(order):] + order[:r % len(order)]
            for key in order:
                t, c = runs[key]()
                totals[key] += t
                if key == "plain":
                    plain_cpu += c
        n = args.rounds
        t_plain, t_new = totals["plain"] / n, totals["new"] / n
        print(f"nbgrader autograde {LEVEL} (serial): {t_plain:.1f} s ({plain_cpu / n:.0f} s CPU)")
        print(f"course grade {LEVEL} --workers {args.workers}: {t_new:.1f} s")
        if base_pristine is not None:
            t_before = totals["before"] / n
            print(f"course grade {LEVEL} --workers {args.workers}, engine before: {t_before:.1f} s")
            print(f"cost of the separation: {t_new / t_before:.2f}x the engine before "
                  f"(target at most 1.15)" + (f", mean of {n} rounds" if n > 1 else ""))
        print(f"speed-up over serial nbgrader: {t_plain / t_new:.2f}x (target at least 1.9 on 2 "
              "cores)" + (f", mean of {n} rounds" if n > 1 else ""), flush=True)

        a, b = scores(plain), scores(engine)
        differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        print("scores equal: " + ("yes" if not differ else
                                  f"NO, {len(differ)} differ: " + ", ".join(
                                      f"{k[0]}/{k[1]} nbgrader={a.get(k)} course={b.get(k)}"
                                      for k in differ[:10])))
        if not args.skip_pure:
            from course.config import grading_limits

            sample = learners[:args.pure_sample] if args.pure_sample else learners
            pure = pure_execution(plain, sample, grading_limits(plain).cell_timeout)
            if len(sample) < len(learners):
                print(f"pure execution of {len(sample)} learners: {pure:.1f} s, scaled to the cohort")
                pure *= len(learners) / len(sample)
            ideal = pure / args.workers
            print(f"pure execution (nbclient, serial, as graded): {pure:.1f} s; ideal with "
                  f"{args.workers} workers {ideal:.1f} s; course grade efficiency "
                  f"{ideal / t_new:.0%}; nbgrader {pure / t_plain:.0%} of one worker")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
