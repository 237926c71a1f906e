"""The demo cohort is what the issue asks for, and every piece of work it names exists."""

from __future__ import annotations

import json

from course.coursedir import GradingRecord
from course.demo import COHORT, notebook_work, rounds
from course.samples import split_override

from .conftest import ROOT


def test_cohort_size_groups_and_attempts():
    assert len(COHORT) >= 8 and len({s.group for s in COHORT}) >= 2
    levels = ["level1", "level2", "level3"]
    plan = rounds(levels)
    assert len(plan) >= 2, "some learners hand in a second attempt"
    assert sum(1 for s in COHORT if "level2" in s.work) >= 2
    works = {w for s in COHORT for ws in s.work.values() for w in ws}
    assert {"reference", "blank", "seed-sample", "partial"} <= works


def test_every_work_name_resolves_for_every_notebook():
    for learner in COHORT:
        for level, works in learner.work.items():
            notebooks = sorted((ROOT / "source" / level).glob("*.ipynb"))
            for work in works:
                for nb in notebooks:
                    blank, override = notebook_work(level, work, nb.stem)
                    if override:
                        split_override(override)  # parses


def test_folder_work_semantics():
    assert notebook_work("level1", "pipeline-gaps", "03-model-serving") == (True, None)
    assert notebook_work("level1", "pipeline-gaps", "01-ml-fundamentals") == (False, None)
    blank, code = notebook_work("level1", "seed-sample", "01-ml-fundamentals")
    assert not blank and "train_test_split" in code


def test_grading_record_is_optional_and_tolerant(tmp_path):
    assert GradingRecord.read(tmp_path, "ada", "level1") == GradingRecord()
    folder = tmp_path / "autograded" / "ada" / "level1"
    folder.mkdir(parents=True)
    (folder / "grading.json").write_text("{broken")
    assert GradingRecord.read(tmp_path, "ada", "level1") == GradingRecord()
    record = {"graded_at": "2026-01-01T00:00:00", "seconds": 3.0,
              "flags": [{"criterion": "l1_split", "notebook": "01-ml-fundamentals", "message": "m"}],
              "errors": {}}
    (folder / "grading.json").write_text(json.dumps(record))
    read = GradingRecord.read(tmp_path, "ada", "level1")
    assert read == GradingRecord("2026-01-01T00:00:00", 3.0, (record["flags"][0],), {})
    (folder / "grading.json").write_text(json.dumps({"seconds": "3", "flags": [1, record["flags"][0]],
                                                      "errors": [], "isolation": None}))
    assert GradingRecord.read(tmp_path, "ada", "level1") == GradingRecord(flags=(record["flags"][0],))


def test_grading_record_writes_what_it_reads(tmp_path):
    record = GradingRecord("2026-01-01T00:00:00+00:00", 1.5,
                           ({"criterion": None, "notebook": "01-x", "message": "m"},),
                           {"01-x": "it did not run"}, ("rlimit",), ("cgroups",), "2026-01-01")
    folder = tmp_path / "autograded" / "ada" / "level1"
    folder.mkdir(parents=True)
    path = record.write(folder)
    assert list(json.loads(path.read_text())) == ["graded_at", "seconds", "flags", "errors",
                                                  "isolation", "missing", "submitted_at"]
    assert GradingRecord.read(tmp_path, "ada", "level1") == record
