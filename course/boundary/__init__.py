"""The grading boundary: test cells in one kernel, learner code in another, plain data between.

`frames` and `codec` (frames and the strict decoder), `connection` (one end: requests both ways,
threads mirrored), `errors` (exceptions across), `learner` / `grader` (each kernel's end and its
bootstrap snippets), `proxies` (how each side holds the other's objects), `names` (which names
test cells take from the learner), `services` (Flask apps, fresh processes, pickled sizes, logs
across the boundary), `relay` and `interleave` (a notebook over two kernels). Nothing here
imports nbgrader or the gradebook. See README.md beside this file.
"""

from course.boundary.codec import BoundaryError

__all__ = ["BoundaryError"]
