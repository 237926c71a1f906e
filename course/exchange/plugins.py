"""nbgrader exchange classes that carry the learner's report along with the notebooks' feedback.

nbgrader matches feedback to a submission by a hash of the submission's secret and a notebook
id: `ReleaseFeedbackWithReport` publishes each notebook's feedback that way and the learner's
report under the id `report`; `FetchFeedbackWithReport` (run by the learner's own server) fetches
it into the same feedback folder as `report.html`. Both are named in nbgrader_config.py
(`ExchangeFactory`), so formgrader's "release feedback" and the Assignments tab use them too.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash

#: The id the learner's report is published under (no course notebook has this name).
REPORT_ID = "report"


class ReleaseFeedbackWithReport(ExchangeReleaseFeedback):
    """Publish each graded learner's feedback pages and report to the exchange.

    The submission's secret and time come from submitted/<learner>/<level>/ (put there by
    `course collect`), and only when they are those of the attempt that was graded: feedback on an
    older attempt is never published as feedback on a newer one.
    """

    def copy_files(self) -> None:
        from .publish import published_report, submission_keys

        root = Path(self.coursedir.root)
        level = self.coursedir.assignment_id
        for folder in sorted(glob.glob(self.src_path)):
            learner = Path(folder).parent.name
            if learner in set(filter(None, self.coursedir.student_id_exclude.split(","))):
                continue
            keys = submission_keys(root, learner, level)
            if keys is None:
                continue  # submission_keys logged why
            secret, timestamp = keys
            pages = {Path(p).stem: Path(p).read_bytes()
                     for p in glob.glob(os.path.join(folder, "*.html"))}
            report = published_report(root, learner, level)
            if report is not None:
                pages[REPORT_ID] = report.encode("utf-8")
            for notebook_id, page in sorted(pages.items()):
                name = notebook_hash(secret=secret, notebook_id=notebook_id)
                _publish(page, Path(self.dest_path) / f"{name}.html")
            self.log.info("Released feedback for %s on %s (submitted %s)", learner, level, timestamp)


def _publish(page: bytes, dest: Path) -> None:
    """Write a page atomically, readable by whoever knows its name (the folder is not listable)."""
    tmp = dest.with_name(dest.stem + "-tmp.html")
    tmp.write_bytes(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)


class FetchFeedbackWithReport(ExchangeFetchFeedback):
    """nbgrader's fetch of feedback, plus the learner's report as report.html beside it."""

    def init_src(self) -> None:
        super().init_src()
        assignment = self.coursedir.assignment_id or "*"
        for submission in glob.glob(os.path.join(self.cache_path, f"*+{assignment}+*")):
            timestamp = os.path.basename(submission).split("+")[-1]
            secret_file = os.path.join(submission, "submission_secret.txt")
            if not os.path.isfile(secret_file):
                continue
            with open(secret_file) as fh:
                secret = fh.read()
            page = os.path.join(self.outbound_path,
                                notebook_hash(secret=secret, notebook_id=REPORT_ID) + ".html")
            if os.path.isfile(page):
                self.feedback_files.append((REPORT_ID, timestamp, page))
