"""`course lab`'s generated Jupyter configuration: learner tools for learners, instructor tools for
instructors, never the user's own Jupyter config. (tests/test_lab_browser.py runs the real thing.)"""

from __future__ import annotations

import json
import sys

from course.lab import plan, write_config

from .conftest import make_course


def _configs(folder):
    server = json.loads((folder / "jupyter_server_config.json").read_text())
    page = json.loads((folder / "labconfig" / "page_config.json").read_text())
    return server["ServerApp"]["jpserver_extensions"], page["disabledExtensions"]


def test_learner_config_switches_instructor_tools_off(tmp_path):
    course = make_course(tmp_path / "course")
    extensions, disabled = _configs(write_config(course, instructor=False))
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert extensions["nbgrader.server_extensions.assignment_list"] is True
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(disabled)
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled


def test_instructor_config_is_the_other_way_round(tmp_path):
    course = make_course(tmp_path / "course")
    extensions, disabled = _configs(write_config(course, instructor=True))
    assert extensions["nbgrader.server_extensions.formgrader"] is True
    assert extensions["nbgrader.server_extensions.assignment_list"] is False
    assert "@jupyter/nbgrader:formgrader" not in disabled
    assert "@jupyter/nbgrader:assignment-list" in disabled


def test_plan_serves_the_workspace_for_learners_and_the_course_for_instructors(tmp_path, monkeypatch):
    course = make_course(tmp_path / "course")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", "/somewhere/the/user/keeps/theirs")
    learner = plan(course, port=9999, no_browser=True)
    assert learner.root_dir == course.resolve() / "workspace"
    assert f"--ServerApp.root_dir={course.resolve() / 'workspace'}" in learner.cmd
    assert "--ServerApp.port=9999" in learner.cmd and "--ServerApp.port_retries=0" in learner.cmd
    assert "--ServerApp.ip=127.0.0.1" in learner.cmd and "--no-browser" in learner.cmd
    assert learner.cmd[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert learner.env["JUPYTER_CONFIG_DIR"] == str(course.resolve() / ".course" / "jupyter" / "learner")
    assert learner.env["COURSE_ROOT"] == str(course.resolve())
    assert (course / "exchange").is_dir()
    assert "load_subconfig" in (learner.config_dir / "nbgrader_config.py").read_text()
    instructor = plan(course, instructor=True)
    assert instructor.root_dir == course.resolve()
    assert instructor.config_dir.name == "instructor"
