"""nbgrader configuration of the ML Engineer Skills course: the repo root is the course directory.

nbgrader, formgrader and the `course` command all read this file. Grading limits live here too
(class `GradingLimits`): an instructor changes them in this one place.
"""

import os
import re

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

ROOT = os.path.dirname(os.path.abspath(__file__))

# --- Course layout -----------------------------------------------------------------------------
c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = "ml-engineer-skills"
# The gradebook: SQLite in the course folder, or a shared database (PostgreSQL) named by the
# environment variable COURSE_DB_URL (`course grade --db-url` sets it), which formgrader reads too.
# A bare postgresql:// URL gets the psycopg (3) driver the course installs.
_db_url = os.environ.get("COURSE_DB_URL", "").strip()
c.CourseDirectory.db_url = (re.sub(r"^postgres(?:ql)?://", "postgresql+psycopg://", _db_url)
                            or "sqlite:///" + os.path.join(ROOT, "gradebook.db"))
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The exchange lives in the repo (git-ignored) so JupyterLab's assignment list works out of the box.
c.Exchange.root = os.path.join(ROOT, "exchange")
c.Exchange.path_includes_course = True

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
# nbgrader's own feedback copies hidden test code, tracebacks that quote it, and mark schemes.
# Our preprocessors remove them. Order matters: echoes are found while the hidden lines are still
# in the notebook, so RemoveHiddenTestEchoes runs before ClearHiddenTestSource.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.preprocessors.RemoveHiddenTestEchoes",
    "course.preprocessors.ClearHiddenTestSource",
    "course.preprocessors.SanitizeTestOutputs",
    "course.preprocessors.ClearMarkSchemeUnlessAllowed",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Assignments whose feedback may show model answers and rubrics (`course feedback --model-answers`
# turns it on for one run).
c.ClearMarkSchemeUnlessAllowed.allow_assignments = []
