"""Helpers that hidden-test cells import: fresh processes, local HTTP, strict plain-data checks.

They work the same in one process (a learner's kernel, `check()`) and in grading, where test
cells reach the learner's objects across course.boundary (see README.md beside this file).
"""

from course.testing.asserts import assert_close, assert_equal, check
from course.testing.convert import (
    as_array,
    as_bool,
    as_dict,
    as_float,
    as_frame,
    as_int,
    as_str,
    as_tuple,
)
from course.testing.fresh import FreshProcessError, run_in_fresh_process
from course.testing.http import http_json, serve_app
from course.testing.logs import capture_logs
from course.testing.plain import to_plain
from course.testing.rebuild import NotRebuildable, clone_here
from course.testing.remote import (
    call_many,
    is_instance,
    is_learner_object,
    learner_copy,
    on_learner,
    pickled_bytes,
    pickled_size,
)
from course.testing.threads import thread_ids

__all__ = [
    "FreshProcessError",
    "NotRebuildable",
    "as_array",
    "as_bool",
    "as_dict",
    "as_float",
    "as_frame",
    "as_int",
    "as_str",
    "as_tuple",
    "assert_close",
    "assert_equal",
    "call_many",
    "capture_logs",
    "check",
    "clone_here",
    "http_json",
    "is_instance",
    "is_learner_object",
    "learner_copy",
    "on_learner",
    "pickled_bytes",
    "pickled_size",
    "run_in_fresh_process",
    "serve_app",
    "thread_ids",
    "to_plain",
]
