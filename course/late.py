"""The late-penalty policy: nbgrader's late submission plugin with one more method, per day.

nbgrader_config.py names it (`c.AssignLatePenalties.plugin_class`), and `course grade` applies it
through nbgrader's AssignLatePenalties step to each notebook of a submission that came after the
level's due date. The default is no penalty.
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float


class LatePenalty(LateSubmissionPlugin):
    """How many points a late notebook loses (nbgrader caps it at the notebook's score)."""

    penalty_method = Enum(
        ("none", "zero", "per_day"), default_value="none",
        help="'none': no penalty; 'zero': a late notebook scores 0; 'per_day': it loses "
             "percent_per_day % of its score for each day (or part of one) past the due date, "
             "at most max_percent %.",
    ).tag(config=True)
    percent_per_day = Float(10.0, help="Percent of the score lost per started day late (per_day).").tag(config=True)
    max_percent = Float(100.0, help="The largest penalty in percent of the score (per_day).").tag(config=True)
    grace_minutes = Float(0.0, help="Minutes after the due date that still count as on time.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float | None:
        late = total_seconds_late - 60.0 * self.grace_minutes
        if self.penalty_method == "none" or late <= 0 or not score:
            return None
        if self.penalty_method == "zero":
            return score
        percent = min(self.max_percent, self.percent_per_day * math.ceil(late / 86400.0))
        return round(score * percent / 100.0, 2)
