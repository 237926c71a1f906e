"""CPU time of `course --help` and other start-up paths, side by side in one run.

Each command runs in a fresh process, in alternating rounds so that load on the machine hits every
row alike; the figure is the child's user + system CPU seconds (wall time on a shared machine says
little), the median over the rounds. Rows:

- `python -c pass`: the interpreter alone, the floor;
- `course --help`, `course grade --help`, `course --version`: what a user types first;
- `import nbformat`: what `course --help` used to import at start-up (nbformat pulls in jsonschema
  and its format checkers), for comparison.

The target is under 0.5 s of CPU for `course --help`. This prints the figures; it never fails.
Usage: .venv/bin/python bench/cli_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROWS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "course --help": [sys.executable, "-m", "course", "--help"],
    "course grade --help": [sys.executable, "-m", "course", "grade", "--help"],
    "course --version": [sys.executable, "-m", "course", "--version"],
    "import nbformat (the old start-up)": [sys.executable, "-c", "import nbformat"],
}


def cpu_seconds(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env=dict(os.environ, COURSE_ROOT=str(ROOT)))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in ROWS}
    cpu_seconds(ROWS["course --help"])  # warm the file cache and __pycache__ first
    for _ in range(args.rounds):
        for name, cmd in ROWS.items():
            samples[name].append(cpu_seconds(cmd))
    floor = statistics.median(samples["python -c pass"])
    print(f"CPU seconds (user + system), median of {args.rounds} alternating rounds, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':40s} {'median':>8s} {'min':>8s} {'max':>8s} {'x python':>9s}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:40s} {median:8.3f} {min(values):8.3f} {max(values):8.3f} "
              f"{median / floor if floor else float('nan'):9.1f}")
    verdict = "under" if statistics.median(samples["course --help"]) < 0.5 else "OVER"
    print(f"`course --help`: {verdict} the 0.5 s CPU target")


if __name__ == "__main__":
    main()
