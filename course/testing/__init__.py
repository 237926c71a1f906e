"""Helpers that hidden-test cells import: fresh processes, local HTTP, strict plain-data checks."""

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
from course.testing.plain import to_plain

__all__ = [
    "FreshProcessError",
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
    "check",
    "http_json",
    "run_in_fresh_process",
    "serve_app",
    "to_plain",
]
