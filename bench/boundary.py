"""The cost of the grading boundary: per proxy call, and per notebook, side by side in one run.

"call" times N calls of a learner function from a test cell in two real kernels joined by a
relay (what grading does), next to the same calls made directly in one process, and a call
that sends a 569x30 DataFrame and gets it back. "notebook" runs each reference notebook's cells
with `tests.nbharness` in one process and through the boundary (two kernels), one after the
other, and prints both times and their difference. Timings are noisy on a shared machine: this
prints figures and never fails on a time.

Usage: .venv/bin/python bench/boundary.py [--calls N] [--skip-notebooks] [level1/01-ml-fundamentals ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.boundary.interleave import TwoKernels  # noqa: E402
from course.notebooks import read_notebook, source_notebooks  # noqa: E402
from tests.nbharness import reference_cells, run_cells, run_cells_boundary  # noqa: E402

LEARNER_CELL = """
def noop(x):
    return x

def frame_echo(df):
    return df
"""

TEST_CELL = """
import json, time
from sklearn.datasets import load_breast_cancer
_X, _ = load_breast_cancer(return_X_y=True, as_frame=True)
def _time(fn, arg, n):
    started = time.perf_counter()
    for _ in range(n):
        fn(arg)
    return (time.perf_counter() - started) / n
_local = lambda x: x
_out = {{"proxy_call_s": _time(noop, 1, {n}), "local_call_s": _time(_local, 1, {n}),
        "dataframe_roundtrip_s": _time(frame_echo, _X, max(1, {n} // 20))}}
with open({path!r}, "w") as _f:
    json.dump(_out, _f)
"""


def per_call(n: int) -> dict[str, float]:
    out = Path(tempfile.mkdtemp()) / "calls.json"
    with TwoKernels(["noop", "frame_echo"], cwd=ROOT) as kernels:
        kernels.run_learner(LEARNER_CELL)
        result = kernels.run_test(TEST_CELL.format(n=n, path=str(out)))
        if result.status != "ok":
            raise SystemExit(f"the timing cell failed: {result.ename}: {result.evalue}")
    return json.loads(out.read_text())


def per_notebook(paths: list[Path]) -> None:
    print(f"{'notebook':34} {'one process':>12} {'boundary':>10} {'added':>8}")
    for path in paths:
        nb = reference_cells(read_notebook(path))
        started = time.perf_counter()
        one = run_cells(nb)
        one_s = time.perf_counter() - started
        started = time.perf_counter()
        two = run_cells_boundary(nb)
        two_s = time.perf_counter() - started
        failed = sorted(one.failed | two.failed)
        note = f"  (failed: {failed})" if failed else ""
        print(f"{path.parent.name + '/' + path.stem:34} {one_s:10.1f} s {two_s:8.1f} s "
              f"{two_s - one_s:+7.1f} s{note}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="level/notebook ids (default: all with tests)")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args()
    calls = per_call(args.calls)
    print(f"proxy call (two kernels, relay): {calls['proxy_call_s'] * 1e6:8.0f} µs per call")
    print(f"local call (same kernel):        {calls['local_call_s'] * 1e6:8.2f} µs per call")
    print(f"569x30 DataFrame there and back: {calls['dataframe_roundtrip_s'] * 1e3:8.1f} ms")
    if args.skip_notebooks:
        return
    chosen = [p for p in source_notebooks(ROOT) if not p.stem.startswith("99")
              and (not args.notebooks or f"{p.parent.name}/{p.stem}" in args.notebooks)]
    per_notebook(chosen)


if __name__ == "__main__":
    main()
