"""nbgrader's autograde steps, read from the course's configuration (c.Autograde.*).

nbgrader's `autograde` runs `Autograde.sanitize_preprocessors` on a submission, then
`Autograde.autograde_preprocessors` (Execute first) on the sanitized notebook. The course runs the
same two lists, as nbgrader_config.py sets them (nbgrader's defaults otherwise, so an nbgrader
upgrade brings its new defaults with it), split around its own execution:

- sanitize_steps: before execution, on the coordinator (course.grading.prepare.job);
- scoring_steps: after execution, on the coordinator (course.grading.record.write).

What the course does differently from nbgrader, all of it here or named here:

- nbgrader's Execute (any ExecutePreprocessor) is dropped from the lists: the sandbox
  (course.grading.sandbox.execute) runs the notebook instead, and only its outputs come back;
- OverwriteCells.add_missing_cells is on in nbgrader_config.py, so a deleted test cell is put back
  and still runs; when restoring fails (the cell before it is gone too), prepare.sanitize runs
  the sanitize steps again without it, and the missing criteria, already flagged, score zero;
- course steps outside nbgrader's lists: integrity findings before sanitizing
  (prepare.integrity_findings) and the test verdicts after execution (verdicts.settle).

ClearMetadataPreprocessor, in the scoring list, is nbgrader's own default, not a course addition.
"""

from __future__ import annotations

from nbconvert.preprocessors import ExecutePreprocessor, Preprocessor
from nbgrader.converters.autograde import Autograde
from traitlets.config import Config
from traitlets.config.loader import LazyConfigValue
from traitlets.utils.importstring import import_item

from course.config import CONFIG_FILE, CourseError

SANITIZE = "sanitize_preprocessors"
SCORE = "autograde_preprocessors"


def _configured(config: Config, name: str) -> list:
    """Autograde.<name> as nbgrader would see it: the configured value, else its default."""
    default = Autograde.class_traits()[name].default()
    value = config.Autograde[name] if name in config.Autograde else default
    if isinstance(value, LazyConfigValue):  # c.Autograde.<name>.append(...) and the like
        value = value.get_value(default)
    return list(value)


def _steps(config: Config, name: str) -> tuple[type[Preprocessor], ...]:
    steps = []
    for item in _configured(config, name):
        try:
            cls = import_item(item) if isinstance(item, str) else item
        except Exception as exc:
            raise CourseError(f"c.Autograde.{name} in {CONFIG_FILE}: cannot import {item!r} "
                              f"({type(exc).__name__}: {exc})") from None
        if isinstance(cls, type) and issubclass(cls, ExecutePreprocessor):
            continue  # the sandbox executes
        if not (isinstance(cls, type) and issubclass(cls, Preprocessor)):
            raise CourseError(f"c.Autograde.{name} in {CONFIG_FILE}: {item!r} is not an "
                              "nbconvert Preprocessor class")
        steps.append(cls)
    return tuple(steps)


def sanitize_steps(config: Config) -> tuple[type[Preprocessor], ...]:
    """The pre-execution steps (Autograde.sanitize_preprocessors), in order."""
    return _steps(config, SANITIZE)


def scoring_steps(config: Config) -> tuple[type[Preprocessor], ...]:
    """The post-execution steps (Autograde.autograde_preprocessors without Execute), in order."""
    return _steps(config, SCORE)
