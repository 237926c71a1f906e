"""nbgrader configuration of the ML Engineer Skills course: the repo root is the course directory.

nbgrader, formgrader and the `course` command all read this file. Grading limits live here too
(class `GradingLimits`): an instructor changes them in this one place.
"""

import os

# The course id and the gradebook URL rule are the package's (course.config), written once there.
from course.config import COURSE_ID, DB_URL_ENV, normalize_db_url

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

ROOT = os.path.dirname(os.path.abspath(__file__))

# --- Course layout -----------------------------------------------------------------------------
c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = COURSE_ID
# The gradebook: SQLite in the course folder, or a shared database (PostgreSQL) named by the
# environment variable COURSE_DB_URL, which formgrader reads too (`course grade --db-url` wins).
# A bare postgresql:// URL gets the psycopg (3) driver the course installs.
c.CourseDirectory.db_url = (normalize_db_url(os.environ.get(DB_URL_ENV, ""))
                            or "sqlite:///" + os.path.join(ROOT, "gradebook.db"))
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The exchange lives in the repo (git-ignored) so JupyterLab's assignment list works out of the box.
# A cohort on several machines puts it on a shared volume instead, e.g. "/srv/nbgrader/exchange".
c.Exchange.root = os.path.join(ROOT, "exchange")
c.Exchange.path_includes_course = True
# Several instructors share the course on one machine (deploy/jupyterhub sets COURSE_GROUPSHARED=1
# for them): what nbgrader writes stays writable by the course's formgrade group.
c.CourseDirectory.groupshared = os.environ.get("COURSE_GROUPSHARED") == "1"

# --- The exchange: submissions in, feedback out ------------------------------------------------
# `course collect` refuses an exchange submission whose files belong to another account than the
# learner it names (nbgrader itself only warns). Set False where learner ids are not account names.
c.ExchangeCollect.check_owner = True
# Feedback released to the exchange carries the learner's report, and learners fetch it with it.
c.ExchangeFactory.release_feedback = "course.exchange.plugins.ReleaseFeedbackWithReport"
c.ExchangeFactory.fetch_feedback = "course.exchange.plugins.FetchFeedbackWithReport"
# `course collect --zip FILE LEVEL`: how a file name inside an LMS download names the learner and
# the notebook (and, with a `timestamp` group, when it was handed in). This one reads
# "ada/01-ml-fundamentals.ipynb" and "ada_01-ml-fundamentals.ipynb", in any folder.
c.FileNameCollectorPlugin.named_regexp = (
    r"^(?:.*/)?(?P<student_id>[a-z0-9][a-z0-9_-]*?)[_/](?P<file_id>[0-9]{2}-[a-z0-9-]+\.ipynb)$")

# --- Due dates and late penalties ---------------------------------------------------------------
# Due date of each level, ISO 8601 with a UTC offset; a level left out has none (or the one set in
# formgrader). They go into the gradebook when a level is released, collected or graded.
c.CourseSchedule.due_dates = {
    # "level1": "2026-03-02T17:00:00+01:00",
}
# What a late submission costs, applied by `course grade` (nbgrader's late submission plugin):
# "none" (the default), "zero", or "per_day": percent_per_day % of the notebook's score per day or
# part of a day late, at most max_percent %, after grace_minutes.
c.AssignLatePenalties.plugin_class = "course.late.LatePenalty"
c.LatePenalty.penalty_method = "none"
c.LatePenalty.percent_per_day = 10.0
c.LatePenalty.max_percent = 100.0
c.LatePenalty.grace_minutes = 0.0

# --- Release ------------------------------------------------------------------------------------
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("Replace this line with your code, then run the cell.")',
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- Grading limits (read by `course grade`; defaults from the course spec) ------------------
c.GradingLimits.cell_timeout = 120  # seconds per cell (nbgrader's own per-cell timeout below)
c.GradingLimits.notebook_timeout = 600  # seconds of wall clock per notebook
c.GradingLimits.memory_bytes = 4 * 1024**3  # 4 GiB per grading job
c.GradingLimits.max_processes = 256
c.GradingLimits.file_bytes = 1024**3  # largest file (and job folder) a grading job may write
c.GradingLimits.output_bytes = 1024**2  # output kept per cell (errors too); the rest is cut
c.GradingLimits.cpu_cores = 1.0  # CPU share of one grading job (cgroup cpu controller)
c.GradingLimits.notebook_bytes = 5 * 1024**2  # a bigger submitted notebook is refused

c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# --- Scoring ------------------------------------------------------------------------------------
# A test cell fails only when it raises. Without this, nbgrader scores a test cell 0 as soon as
# anything reaches stderr: a library warning, werkzeug's request log, logging's last resort.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"
# A learner who deletes a test cell gets it back from the instructor's copy, so it still runs.
c.OverwriteCells.add_missing_cells = True
# (nbgrader's Execute already records an error when learner code silences showtraceback:
# tests/test_cli.py keeps that true.)

# --- Feedback -----------------------------------------------------------------------------------
# nbgrader's own feedback copies hidden test code, tracebacks that quote it, and mark schemes, and
# shows HTML from learner outputs as it is. Our preprocessors remove the first three and sanitize
# the HTML (nh3). Order matters: echoes are found while the hidden lines are still in the
# notebook, so RemoveHiddenTestEchoes runs before ClearHiddenTestSource.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.preprocessors.RemoveHiddenTestEchoes",
    "course.preprocessors.ClearHiddenTestSource",
    "course.preprocessors.SanitizeTestOutputs",
    "course.preprocessors.ClearMarkSchemeUnlessAllowed",
    "course.preprocessors.SanitizeLearnerHtml",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Assignments whose feedback may show model answers and rubrics (`course feedback --model-answers`
# turns it on for one run).
c.ClearMarkSchemeUnlessAllowed.allow_assignments = []
