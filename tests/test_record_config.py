"""nbgrader's autograde steps come from the course's configuration (c.Autograde.*), not a copy."""

from __future__ import annotations

import nbformat
import pytest
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config

from course.config import CourseError, load_config
from course.grading.prepare.job import sanitize
from course.grading.steps.lists import sanitize_steps, scoring_steps

from .conftest import ROOT

#: What prepare.py and record.py listed by hand before they read nbgrader's configuration.
SANITIZE_BEFORE = (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                   CheckCellMetadata)
SCORE_BEFORE = (IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                AssignLatePenalties, CheckCellMetadata)


def _course(tmp_path, lines: str):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n" + lines)
    return load_config(tmp_path)


@pytest.mark.parametrize("config", [Config(), None], ids=["nbgrader-defaults", "course-config"])
def test_the_default_steps_are_the_ones_used_before(config):
    config = load_config(ROOT) if config is None else config
    assert sanitize_steps(config) == SANITIZE_BEFORE
    assert scoring_steps(config) == SCORE_BEFORE  # nbgrader's Execute dropped: the sandbox runs it


def test_an_instructors_scoring_list_is_honoured(tmp_path):
    config = _course(tmp_path, (
        "from nbgrader.preprocessors import Execute, SaveAutoGrades\n"
        "c.Autograde.autograde_preprocessors = [Execute, 'nbgrader.preprocessors.IgnorePattern',"
        " SaveAutoGrades]\n"))
    assert scoring_steps(config) == (IgnorePattern, SaveAutoGrades)  # no LimitOutput
    assert sanitize_steps(config) == SANITIZE_BEFORE


def test_a_list_extended_in_the_config_keeps_the_defaults(tmp_path):
    config = _course(tmp_path, "c.Autograde.sanitize_preprocessors.append("
                               "'nbconvert.preprocessors.ClearMetadataPreprocessor')\n")
    assert sanitize_steps(config) == (*SANITIZE_BEFORE, ClearMetadataPreprocessor)


def test_an_instructors_sanitize_list_is_what_prepare_runs(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "1", outputs=[nbformat.v4.new_output("stream", text="kept\n")])])
    resources = {"nbgrader": {"notebook": "n", "assignment": "level1", "student": "ada"}}
    keep = _course(tmp_path, "c.Autograde.sanitize_preprocessors = "
                             "['nbgrader.preprocessors.DeduplicateIds']\n")
    assert sanitize(nb, resources, keep).cells[0].outputs[0].text == "kept\n"
    clear = _course(tmp_path, "c.Autograde.sanitize_preprocessors = "
                              "['nbgrader.preprocessors.DeduplicateIds',"
                              " 'nbgrader.preprocessors.ClearOutput']\n")
    assert sanitize(nb, resources, clear).cells[0].outputs == []


@pytest.mark.parametrize("item", ["'course.no_such_step'", "'os.path'", "print"])
def test_a_step_that_is_not_a_preprocessor_is_a_clear_error(tmp_path, item):
    config = _course(tmp_path, f"c.Autograde.autograde_preprocessors = [{item}]\n")
    with pytest.raises(CourseError, match=r"c\.Autograde\.autograde_preprocessors"):
        scoring_steps(config)
