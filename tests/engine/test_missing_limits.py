"""A grader that cannot enforce a limit says exactly which one, and what that leaves open."""

from __future__ import annotations

import os

from course.grading.sandbox import host as sandbox


def test_without_root_every_uid_and_cgroup_limit_is_named(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    missing = sandbox.missing_limits("sandbox")
    text = "\n".join(missing)
    assert ("separate uids for the executor, the learner kernel, the grader kernel and the "
            "services they share") in text
    assert "RLIMIT_NPROC" in text
    for what in ("cgroup memory", "cgroup pids", "cgroup cpu"):
        assert what in text, what
    assert "bubblewrap" not in text


def test_without_writable_cgroups_the_cgroup_limits_are_named(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path)  # no controller here
    missing = sandbox.missing_limits("sandbox")
    assert [m.split(" (")[0] for m in missing] == [
        "a memory limit for the whole job", "a process limit for the whole job",
        "a CPU share per job"]


def test_process_limits_only_name_the_sandbox_and_the_uids(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    text = "\n".join(sandbox.missing_limits("limits"))
    assert text.startswith("bubblewrap: without bubblewrap")
    assert "separate uids" in text


def test_the_cgroup_v2_controllers_are_read_from_the_root(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path)
    assert [m.split(" (")[0] for m in sandbox.missing_limits("sandbox")] == ["a CPU share per job"]


def test_each_job_cgroup_sits_at_the_top_with_a_cpu_quota(monkeypatch, tmp_path):
    """Not under a common parent, which would give all jobs together one process's CPU time."""
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path)
    for controller in ("memory", "pids", "cpu"):
        (tmp_path / controller).mkdir()
        (tmp_path / controller / "cgroup.procs").write_text("")
    made, applied = sandbox._cgroup_dirs("job-1", 2**30, 64, 1.5)
    assert made == [tmp_path / c / "course-grading-job-1" for c in ("memory", "pids", "cpu")]
    assert (tmp_path / "cpu" / "course-grading-job-1" / "cpu.cfs_quota_us").read_text() == "150000"
    assert (tmp_path / "cpu" / "course-grading-job-1" / "cpu.cfs_period_us").read_text() == "100000"
    assert "cgroup v1 cpu.cfs_quota_us (1.5 cores)" in applied
