"""A level's gradebook rows as plain data: how grading on a worker reaches the course gradebook.

Distributed grading runs nbgrader's own steps on the worker, against a scratch gradebook that
holds the level's instructor rows (`level_template`) and what this learner's submission already
carries that grading keeps (`prior_state`: manual scores, extra credit, an extension). What the
steps leave in the scratch gradebook is read back as plain data (`graded_rows`) and written into
the course gradebook by the coordinator in one transaction per job (`store_graded`), with plain
SQL on nbgrader's tables: a few statements per job instead of nbgrader's ORM work per cell.

The rows written are the ones nbgrader's steps would have written in the course gradebook itself
(tests/test_remote.py compares both), with one difference on purpose: a manual score or extra
credit that grading did not change is never written back, so one entered in formgrader while the
job ran stays.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from nbgrader.api import Base, Gradebook
from nbgrader.utils import parse_utc
from sqlalchemy import and_, bindparam, create_engine, select, text

from .config import CourseError
from .gradebook import open_gradebook, run_memo

T = Base.metadata.tables
#: The instructor's tables of a level, in an order that respects their foreign keys.
STRUCTURE = ("course", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells",
             "task_cells", "source_cell")


def _session(gb: Gradebook) -> Any:
    """The connection of `gb`'s session, in its transaction: Core statements without the ORM's
    work per statement (a third of their cost)."""
    db = gb.db
    return getattr(db, "_session", db).connection()  # one_transaction's wrapper, or the session


def level_template(root: Path, level: str, dest: Path) -> None:
    """A new SQLite gradebook at `dest` with the course's and `level`'s instructor rows only.

    nbgrader's schema, stamped with the course gradebook's alembic version (what nbgrader's
    Gradebook does for a new database, without running alembic to learn its version).
    """
    rows: dict[str, list[dict]] = {}
    with open_gradebook(root) as gb:
        db = _session(gb)
        version = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
        a, nb, cell = T["assignment"], T["notebook"], T["base_cell"]
        rows["course"] = [dict(r._mapping) for r in db.execute(select(T["course"]))]
        rows["assignment"] = [dict(r._mapping) for r in db.execute(
            select(a).where(a.c.name == level))]
        if not rows["assignment"]:
            raise CourseError(f"the gradebook has no level {level!r}")
        ids = [r["id"] for r in rows["assignment"]]
        rows["notebook"] = [dict(r._mapping) for r in db.execute(
            select(nb).where(nb.c.assignment_id.in_(ids)))]
        nb_ids = [r["id"] for r in rows["notebook"]]
        rows["base_cell"] = [dict(r._mapping) for r in db.execute(
            select(cell).where(cell.c.notebook_id.in_(nb_ids)))]
        cell_ids = [r["id"] for r in rows["base_cell"]]
        for name in ("grade_cells", "solution_cells", "task_cells"):
            table = T[name]
            rows[name] = [dict(r._mapping) for r in db.execute(
                select(table).where(table.c.id.in_(cell_ids)))]
        src = T["source_cell"]
        rows["source_cell"] = [dict(r._mapping) for r in db.execute(
            select(src).where(src.c.notebook_id.in_(nb_ids)))]
    engine = create_engine(f"sqlite:///{Path(dest).resolve()}")
    try:
        Base.metadata.create_all(bind=engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
            for name in STRUCTURE:
                if rows[name]:
                    conn.execute(T[name].insert(), rows[name])
    finally:
        engine.dispose()


# -- the coordinator's side: what grading keeps, before; the scores, after ----------------------

def _statements() -> dict[str, Any]:
    """The statements run for every job, built once (with bound parameters)."""
    sa, a, g, c = (T["submitted_assignment"], T["assignment"], T["grade"], T["comment"])
    sn, nb, cell, student = T["submitted_notebook"], T["notebook"], T["base_cell"], T["student"]
    sub = bindparam("sub_id")
    return {
        "student": select(student.c.id).where(student.c.id == bindparam("learner")),
        "submission": select(sa.c.id, sa.c.extension).join(a, a.c.id == sa.c.assignment_id)
        .where(a.c.name == bindparam("level"), sa.c.student_id == bindparam("learner")),
        "grades": select(g.c.id, nb.c.name, cell.c.name, g.c.manual_score, g.c.extra_credit)
        .join(sn, sn.c.id == g.c.notebook_id).join(nb, nb.c.id == sn.c.notebook_id)
        .join(cell, cell.c.id == g.c.cell_id).where(sn.c.assignment_id == sub),
        "notebooks": select(sn.c.id, nb.c.name).join(nb, nb.c.id == sn.c.notebook_id)
        .where(sn.c.assignment_id == sub),
        "comments": select(c.c.id, nb.c.name, cell.c.name).join(sn, sn.c.id == c.c.notebook_id)
        .join(nb, nb.c.id == sn.c.notebook_id).join(cell, cell.c.id == c.c.cell_id)
        .where(sn.c.assignment_id == sub),
    }


SQL = _statements()


def _submission_id(db: Any, level: str, learner: str) -> tuple[str, Any] | None:
    row = db.execute(SQL["submission"], {"level": level, "learner": learner}).first()
    return (row[0], row[1]) if row else None


def _grades_of(db: Any, sub_id: str) -> list:
    return db.execute(SQL["grades"], {"sub_id": sub_id}).all()


def prior_state(root: Path, level: str, learner: str) -> dict | None:
    """What the learner's submission holds that grading keeps: None when there is none yet, else
    {"extension": seconds or None, "grades": {"<notebook>/<grade_id>": [manual, extra]}}."""
    with open_gradebook(root) as gb:
        db = _session(gb)
        found = _submission_id(db, level, learner)
        if found is None:
            return None
        sub_id, extension = found
        grades = {f"{nb}/{gid}": [manual, extra] for _id, nb, gid, manual, extra
                  in _grades_of(db, sub_id) if manual is not None or extra is not None}
    return {"extension": extension.total_seconds() if extension is not None else None,
            "grades": grades}


def _structure(db: Any, root: Path, level: str) -> dict:
    """The level's ids: assignment, and per notebook its id and the cells grades and comments
    hang on (read once per grading run)."""
    memo = run_memo(root)
    key = ("gradebook_rows.structure", level)
    if memo is not None and key in memo:
        return memo[key]
    a, nb, cell = T["assignment"], T["notebook"], T["base_cell"]
    assignment = db.execute(select(a.c.id).where(a.c.name == level)).scalar_one()
    notebooks: dict[str, dict] = {}
    for nb_id, nb_name in db.execute(select(nb.c.id, nb.c.name).where(nb.c.assignment_id == assignment)):
        notebooks[nb_name] = {"id": nb_id, "grades": {}, "comments": {}}
    by_id = {v["id"]: k for k, v in notebooks.items()}
    cells = db.execute(select(cell.c.id, cell.c.name, cell.c.notebook_id, cell.c.type)
                       .where(cell.c.notebook_id.in_(list(by_id)))).all()
    grade_ids = {r[0] for r in db.execute(select(T["grade_cells"].c.id))}
    solution_ids = {r[0] for r in db.execute(select(T["solution_cells"].c.id))}
    task_ids = {r[0] for r in db.execute(select(T["task_cells"].c.id))}
    for cell_id, name, nb_id, _type in cells:
        entry = notebooks[by_id[nb_id]]
        if cell_id in grade_ids or cell_id in task_ids:
            entry["grades"][name] = cell_id
        if cell_id in solution_ids or cell_id in task_ids:
            entry["comments"][name] = cell_id
    found = {"assignment": assignment, "notebooks": notebooks}
    if memo is not None:
        memo[key] = found
    return found


def store_graded(root: Path, level: str, learner: str, rows: dict, prior: dict | None,
                 submitted_at: str | None) -> None:
    """Write `graded_rows`' rows of one job into the course gradebook, in one transaction.

    `prior` is what `prior_state` read when the job was prepared: a manual score or extra credit
    that grading kept is left as the gradebook holds it now."""
    new_id = lambda: uuid.uuid4().hex  # noqa: E731 -- nbgrader's own ids
    stamp = parse_utc(submitted_at) if submitted_at else None
    kept = (prior or {}).get("grades", {})
    with open_gradebook(root) as gb:
        db = _session(gb)
        level_ids = _structure(db, root, level)
        student = T["student"]
        if db.execute(SQL["student"], {"learner": learner}).first() is None:
            db.execute(student.insert(), {"id": learner})
        found = _submission_id(db, level, learner)
        sa, sn, g, c = (T["submitted_assignment"], T["submitted_notebook"], T["grade"],
                        T["comment"])
        existing: dict[tuple[str, str], tuple[str, Any, Any]] = {}
        comment_ids: dict[tuple[str, str], str] = {}
        sub_nbs: dict[str, str] = {}
        if found is None:
            sub_id = new_id()
            db.execute(sa.insert(), {"id": sub_id, "assignment_id": level_ids["assignment"],
                                     "student_id": learner, "timestamp": stamp})
        else:
            sub_id = found[0]
            if stamp is not None:
                db.execute(sa.update().where(sa.c.id == sub_id), {"timestamp": stamp})
            for row_id, nb_name, gid, manual, extra in _grades_of(db, sub_id):
                existing[(nb_name, gid)] = (row_id, manual, extra)
            for sn_id, nb_name in db.execute(SQL["notebooks"], {"sub_id": sub_id}):
                sub_nbs[nb_name] = sn_id
            for row_id, nb_name, gid in db.execute(SQL["comments"], {"sub_id": sub_id}):
                comment_ids[(nb_name, gid)] = row_id
        new_nbs, new_grades, new_comments = [], [], []
        updates, comment_updates, penalties = [], [], []
        for nb_name, entry in level_ids["notebooks"].items():
            graded = rows.get("notebooks", {}).get(nb_name, {})
            if nb_name not in sub_nbs:
                sub_nbs[nb_name] = new_id()
                new_nbs.append({"id": sub_nbs[nb_name], "assignment_id": sub_id,
                                "notebook_id": entry["id"], "flagged": False,
                                "late_submission_penalty": graded.get("penalty")})
            else:
                penalties.append({"b_id": sub_nbs[nb_name], "penalty": graded.get("penalty")})
            scores = graded.get("grades", {})
            for gid, cell_id in entry["grades"].items():
                auto, manual, extra, needs = scores.get(gid, [None, None, None, False])
                before = kept.get(f"{nb_name}/{gid}", [None, None])
                if (nb_name, gid) in existing:
                    row_id, now_manual, now_extra = existing[(nb_name, gid)]
                    updates.append({
                        "b_id": row_id, "auto": auto, "needs": bool(needs),
                        # kept by grading: what the gradebook holds now (formgrader may have
                        # changed it while the job ran); cleared by grading: cleared
                        "manual": now_manual if manual == before[0] else manual,
                        "extra": now_extra if extra == before[1] else extra})
                else:
                    new_grades.append({"id": new_id(), "cell_id": cell_id,
                                       "notebook_id": sub_nbs[nb_name], "auto_score": auto,
                                       "manual_score": manual, "extra_credit": extra,
                                       "needs_manual_grade": bool(needs)})
            comments = graded.get("comments", {})
            for gid, cell_id in entry["comments"].items():
                text = comments.get(gid)
                if (nb_name, gid) in comment_ids:
                    comment_updates.append({"b_id": comment_ids[(nb_name, gid)], "auto": text})
                else:
                    new_comments.append({"id": new_id(), "cell_id": cell_id,
                                         "notebook_id": sub_nbs[nb_name], "auto_comment": text})
        for table, values in ((sn, new_nbs), (g, new_grades), (c, new_comments)):
            if values:
                db.execute(table.insert(), values)
        if updates:
            db.execute(g.update().where(g.c.id == bindparam("b_id")).values(
                auto_score=bindparam("auto"), manual_score=bindparam("manual"),
                extra_credit=bindparam("extra"), needs_manual_grade=bindparam("needs")), updates)
        if comment_updates:
            db.execute(c.update().where(c.c.id == bindparam("b_id")).values(
                auto_comment=bindparam("auto")), comment_updates)
        if penalties:
            db.execute(sn.update().where(sn.c.id == bindparam("b_id")).values(
                late_submission_penalty=bindparam("penalty")), penalties)
        gb.db.commit()


# -- the worker's side: the scratch gradebook before and after nbgrader's steps -----------------

def apply_prior(root: Path, level: str, learner: str, prior: dict | None,
                submitted_at: str | None) -> None:
    """Put `prior_state`'s values into the (scratch) gradebook at `root`, so that nbgrader's steps
    see the learner's submission as the course gradebook holds it."""
    if prior is None:
        return
    with open_gradebook(root) as gb:
        gb.update_or_create_student(learner)
        kwargs: dict[str, Any] = {"timestamp": submitted_at} if submitted_at else {}
        if prior.get("extension") is not None:
            kwargs["extension"] = timedelta(seconds=float(prior["extension"]))
        gb.update_or_create_submission(level, learner, **kwargs)
        db = _session(gb)
        sub_id = _submission_id(db, level, learner)[0]
        g = T["grade"]
        for row_id, nb_name, gid, _manual, _extra in _grades_of(db, sub_id):
            values = prior["grades"].get(f"{nb_name}/{gid}")
            if values:
                db.execute(g.update().where(g.c.id == row_id),
                           {"manual_score": values[0], "extra_credit": values[1]})
        gb.db.commit()


def graded_rows(root: Path, level: str, learner: str) -> dict:
    """What grading left for the learner's `level` in the gradebook at `root`, as plain data:
    {"notebooks": {name: {"penalty", "grades": {gid: [auto, manual, extra, needs]},
    "comments": {gid: auto_comment}}}}."""
    sn, nb, cell, g, c = (T["submitted_notebook"], T["notebook"], T["base_cell"], T["grade"],
                          T["comment"])
    out: dict[str, dict] = {}
    with open_gradebook(root) as gb:
        db = _session(gb)
        found = _submission_id(db, level, learner)
        if found is None:
            return {"notebooks": out}
        sub_id = found[0]
        for nb_name, penalty in db.execute(select(nb.c.name, sn.c.late_submission_penalty).join(
                sn, and_(sn.c.notebook_id == nb.c.id, sn.c.assignment_id == sub_id))):
            out[nb_name] = {"penalty": penalty, "grades": {}, "comments": {}}
        for nb_name, gid, auto, manual, extra, needs in db.execute(
                select(nb.c.name, cell.c.name, g.c.auto_score, g.c.manual_score, g.c.extra_credit,
                       g.c.needs_manual_grade).join(sn, sn.c.id == g.c.notebook_id)
                .join(nb, nb.c.id == sn.c.notebook_id).join(cell, cell.c.id == g.c.cell_id)
                .where(sn.c.assignment_id == sub_id)):
            out[nb_name]["grades"][gid] = [auto, manual, extra, bool(needs)]
        for nb_name, gid, text in db.execute(
                select(nb.c.name, cell.c.name, c.c.auto_comment).join(sn, sn.c.id == c.c.notebook_id)
                .join(nb, nb.c.id == sn.c.notebook_id).join(cell, cell.c.id == c.c.cell_id)
                .where(sn.c.assignment_id == sub_id)):
            out[nb_name]["comments"][gid] = text
    return {"notebooks": out}
