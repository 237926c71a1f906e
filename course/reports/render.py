"""Report data as plain JSON-ready dicts, and HTML from the Jinja templates (autoescaped)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .. import criteria
from ..config import COURSE_ID, LEVELS
from . import charts
from . import cohort as agg
from .cohort import group_file
from .history import by_level
from .model import FAILED, CriterionRow, Learner
from .placement import CATEGORY_TITLES, skill_profile
from .placement import rule as placement_rule

LEVEL_TITLES = {"level1": "Level 1 (Junior)", "level2": "Level 2 (Mid)", "level3": "Level 3 (Senior)"}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("course.reports", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:g}\u00a0%"
    env.filters["pts"] = lambda v: f"{v:g}"
    env.filters["when"] = when
    env.globals["level_title"] = lambda lvl: LEVEL_TITLES.get(lvl, lvl)
    env.globals["group_file"] = group_file
    env.globals["icon"] = icon
    env.filters["plain_title"] = plain_title
    return env


def when(iso: str | None) -> str:
    """An ISO 8601 UTC time as "2026-03-02 16:00 UTC"."""
    if not iso:
        return "–"
    return iso[:16].replace("T", " ") + (" UTC" if iso.endswith(("+00:00", "Z")) else "")


_ICONS = {
    "passed": ("#047857", "M6 12.5l4 4 8-9"),
    "failed": ("#b91c1c", "M7 7l10 10M17 7L7 17"),
    "awaiting": ("#b45309", "M12 6v6l4 2"),
}


def icon(status: str) -> Markup:
    """A small status icon drawn in SVG (emoji fonts are not on every machine); aria-hidden."""
    return charts.icon(*_ICONS[status])


def plain_title(title: str) -> str:
    """A criterion title without the seed's ✅/❌ prefixes (the page shows the verdict itself)."""
    return title.replace("✅ ", "").replace("❌ ", "").strip()


def seed_kind(seed: str) -> str:
    """What a criterion is in the seed's terms, from the seed line it maps to."""
    if seed.startswith("✅"):
        return "seed criterion"
    if seed.startswith("❌"):
        return "seed gap to close"
    if seed.startswith("(extension)"):
        return "course extension"
    if seed.startswith("(quality bar)"):
        return "quality bar"
    return "seed assessment" if seed else "course check"


def criterion_dict(c: CriterionRow) -> dict:
    return {"id": c.id, "notebook": c.notebook, "title": c.title, "category": c.category,
            "hint": c.hint, "path_step": c.path_step, "manual": c.manual, "score": c.score,
            "max_score": c.max_score, "status": c.status, "passed": c.status == "passed",
            "needs_manual_grade": c.status == "awaiting", "mark": c.mark,
            "kind": seed_kind(c.seed), "seed": c.seed,
            "message": c.message, "comment": c.comment}


def learning_path(failed: list[CriterionRow]) -> list[dict]:
    """The seed's learning-path steps that teach the failed criteria, in the seed's order."""
    steps = []
    for step in criteria.LEARNING_PATH:
        mine = [c for c in failed if c.path_step == step.id]
        if mine:
            steps.append({"id": step.id, "title": step.title, "path": step.path,
                          "topics": list(step.topics),
                          "criteria": [{"id": c.id, "title": c.title, "notebook": c.notebook,
                                        "hint": c.hint} for c in mine]})
    return steps


def learner_data(person: Learner, history: list[dict]) -> dict:
    """Everything report.json and report.html say about one learner."""
    profile = skill_profile(person.criteria)
    placement = agg.placement_of(person)
    levels = {}
    for lvl in person.levels.values():
        levels[lvl.level] = {
            "score": lvl.score, "max_score": lvl.max_score, "percent": lvl.percent,
            "manual_pending": lvl.awaiting, "graded_at": lvl.graded_at,
            "submitted_at": lvl.submitted_at or None, "due": lvl.due or None,
            "late": lvl.late, "late_penalty": lvl.penalty,
            "flags": [dict(f) for f in lvl.flags], "errors": dict(lvl.errors),
            "notebooks": [{"name": nb.name, "error": nb.error,
                           "criteria": [c.id for c in nb.criteria]} for nb in lvl.notebooks],
            "criteria": [criterion_dict(c) for c in lvl.criteria],
        }
    return {
        "learner": person.id, "name": person.name, "group": person.group,
        "course_id": COURSE_ID, "levels": levels,
        "skill_profile": {
            "overall": profile.overall,
            "categories": [{"key": c.key, "title": c.title, "weight": c.weight,
                            "percent": c.percent, "criteria": c.criteria}
                           for c in profile.categories],
        },
        "placement": {"stage": placement.stage, "next_stage": placement.next_stage,
                      "missing": list(placement.missing)},
        "learning_path": learning_path(person.failed),
        "history": history,
    }


def _history_chart(history: list[dict], chart_id: str) -> tuple:
    runs = sorted({e["graded_at"] for e in history})
    grouped = by_level(history)
    series = {lvl: [next((e["percent"] for e in entries if e["graded_at"] == run), None)
                    for run in runs] for lvl, entries in grouped.items()}
    labels = [run[:16].replace("T", " ") for run in runs]
    desc = "; ".join(f"{lvl}: " + ", ".join(f"{e['percent']:g} %" if e["percent"] is not None
                                            else "–" for e in entries)
                     for lvl, entries in grouped.items())
    return charts.line_chart(series, chart_id=chart_id, title="Score history per level",
                             desc=f"Percent per grading run, oldest first. {desc}",
                             x_labels=labels)


def render_learner(person: Learner, history: list[dict], feedback_dir: Path, *,
                   link_level: str | None = None) -> str:
    """The learner's report page. With `link_level`, it links only that level's notebook pages,
    by file name: the copy published to the exchange sits beside them."""
    data = learner_data(person, history)
    profile = data["skill_profile"]
    bars = [charts.Bar(c["title"], c["percent"], f"weight {c['weight'] * 100:g} %")
            for c in profile["categories"]]
    profile_chart = charts.bar_chart(
        bars, chart_id="profile", title="Skill profile",
        desc="Percent of points earned per category of the seed's evaluation metrics: "
             + "; ".join(f"{b.label} {'not assessed yet' if b.value is None else f'{b.value:g} %'}"
                         for b in bars))
    links = {}
    for lvl in person.levels.values():
        if link_level and lvl.level != link_level:
            continue
        for nb in lvl.notebooks:
            page = feedback_dir / lvl.level / f"{nb.name}.html"
            if page.is_file():
                links[f"{lvl.level}/{nb.name}"] = (f"{nb.name}.html" if link_level
                                                   else f"{lvl.level}/{nb.name}.html")
    return _env().get_template("learner.html").render(
        d=data, person=person, profile_chart=profile_chart, links=links,
        history_chart=_history_chart(history, "history") if history else None,
        history_rows=history, category_titles=CATEGORY_TITLES, failed=FAILED,
        placement_rule=placement_rule())


def _cohort_context(learners: list[Learner], *, prefix: str) -> dict:
    rates = agg.pass_rates(learners)
    levels = [lvl for lvl in LEVELS if any(lvl in p.levels for p in learners)]
    dists = {lvl: agg.distribution(learners, lvl) for lvl in levels}
    dist_charts = {
        lvl: charts.column_chart(
            dists[lvl], chart_id=f"{prefix}-dist-{lvl}", title=f"Score distribution, {lvl}",
            desc="Learners per score band: " + ", ".join(f"{b}: {n}" for b, n in dists[lvl]))
        for lvl in levels}
    hardest = rates[:12]
    rate_chart = charts.bar_chart(
        [charts.Bar(r.id, r.rate, f"{r.passed}/{r.graded}") for r in hardest],
        chart_id=f"{prefix}-rates", title="Pass rate of the hardest criteria", one_color=True,
        desc="Percent of learners passing each criterion, hardest first: "
             + ", ".join(f"{r.id} {r.rate:g} %" for r in hardest)) if hardest else None
    rows = []
    for p in learners:
        placement = agg.placement_of(p)
        rows.append({"id": p.id, "name": p.name, "group": p.group,
                     "percents": {lvl: (p.levels[lvl].percent if lvl in p.levels else None)
                                  for lvl in levels},
                     "awaiting": sum(lvl.awaiting for lvl in p.levels.values()),
                     "placement": placement.stage, "missing": placement.missing,
                     "failed": len(p.failed)})
    return {"rates": rates, "levels": levels, "dists": dists, "dist_charts": dist_charts,
            "rate_chart": rate_chart, "learners": rows, "help": agg.needs_help(learners)}


def render_cohort(learners: list[Learner], groups: list[str]) -> str:
    ctx = _cohort_context(learners, prefix="cohort")
    return _env().get_template("cohort.html").render(title="Cohort report", groups=groups,
                                                     group=None, sessions=None, **ctx)


def render_group(name: str, members: list[Learner]) -> str:
    ctx = _cohort_context(members, prefix="group")
    return _env().get_template("cohort.html").render(
        title=f"Study group {name}", groups=[], group=name, sessions=agg.sessions(members), **ctx)
