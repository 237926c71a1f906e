"""Feedback and reports compiled from the gradebook: learner, cohort and group reports, CSV export.

One job per module: `model` gathers plain data, `placement` and `history` decide and remember,
`charts` lays out SVG charts (drawn by the macros of templates/charts.svg.j2), `render` fills the
Jinja templates, `export` writes the LMS CSV, `cohort` aggregates learners, `offline` makes
nbgrader's own HTML work without a network (read with an HTML parser).
"""
