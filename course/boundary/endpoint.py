"""A fresh learner endpoint: a new Python process that serves the learner's names over the boundary.

The learner kernel starts it (`services._fresh_endpoint`, as the learner's uid) with the names a
test's function reads, shipped by value from the notebook (cloudpickle), and a hash seed of the
test's choosing. It connects to the socket the grader listens on and answers requests exactly as
the learner kernel does (`learner.LearnerSide`), until the grader closes the connection. The
test's function runs in the grader against proxies of these names: no test code crosses.

    python -c BOOTSTRAP WORKDIR    (WORKDIR holds sys_path.json, names.pkl and address.txt)
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

NAMES = "names.pkl"
ADDRESS = "address.txt"

BOOTSTRAP = (
    "import json, sys\n"
    "d = sys.argv[1]\n"
    "p = json.load(open(d + '/sys_path.json'))\n"
    "sys.path[:] = p + [e for e in sys.path if e not in p]\n"
    "from course.boundary.endpoint import main\n"
    "main(d)\n"
)


def main(workdir_arg: str) -> None:
    """Load the shipped names into __main__, connect to the grader, serve until it hangs up."""
    import cloudpickle

    from course.boundary import learner
    from course.grading.sandbox.inside.shared_files import learner_setup
    from course.testing._child import _register_shipped

    learner_setup()  # in grading: files the tests can read back, as in the learner's kernel
    workdir = Path(workdir_arg)
    namespace = sys.modules["__main__"].__dict__
    names = cloudpickle.loads((workdir / NAMES).read_bytes())
    _register_shipped([names])  # the notebook's classes pickle by reference here, as there
    namespace.update(names)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(json.loads((workdir / ADDRESS).read_text()))
    side = learner.attach(sock, namespace)
    try:
        while side.broken is None:
            side.serve("")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # threads learner code left running must not keep the process alive
