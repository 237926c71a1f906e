"""roster.csv, the instructor's list of learners: learner_id, name, group. Read here, only here.

The file holds people's names, so it is git-ignored; roster.example.csv shows its shape. What a
spreadsheet saves is accepted: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"),
spaces around values and header names, blank lines, extra columns (ignored). What cannot be right
is refused with the line to fix: another encoding, no learner_id column, an invalid or repeated
learner id.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .config import CourseError, check_learner_id

FILE_NAME = "roster.csv"
EXAMPLE = "roster.example.csv"
COLUMNS = ("learner_id", "name", "group")


@dataclass(frozen=True)
class Member:
    """One learner of the roster."""

    learner_id: str
    name: str = ""
    group: str = ""


def roster_path(root: Path) -> Path:
    return Path(root) / FILE_NAME


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CourseError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CourseError(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}): save "
            "it as UTF-8 (in Excel: \"CSV UTF-8\"; in LibreOffice: character set Unicode (UTF-8))"
        ) from None


def parse(text: str, where: str = FILE_NAME) -> list[Member]:
    """The members listed in roster text; a CourseError naming the line of any problem."""
    rows = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    header: list[str] | None = None
    members: list[Member] = []
    seen: dict[str, int] = {}
    try:
        for row in rows:
            line = rows.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                if "learner_id" not in header:
                    raise CourseError(f"{where}, line {line}: the header needs a learner_id column "
                                      f"(found {', '.join(cells)}); expected learner_id,name,group")
                continue
            if len(cells) > len(header):
                raise CourseError(f"{where}, line {line}: {len(cells)} values for {len(header)} "
                                  "columns (a comma inside a name needs \"quotes\")")
            values = dict(zip(header, cells, strict=False))
            learner = values.get("learner_id", "")
            if not learner:
                raise CourseError(f"{where}, line {line}: no learner_id")
            try:
                check_learner_id(learner)
            except CourseError as exc:
                raise CourseError(f"{where}, line {line}: {exc}") from None
            if learner in seen:
                raise CourseError(f"{where}: learner id {learner!r} is on line {seen[learner]} and "
                                  f"again on line {line}: list each learner once")
            seen[learner] = line
            members.append(Member(learner, values.get("name", ""), values.get("group", "")))
    except csv.Error as exc:
        raise CourseError(f"{where}, line {rows.line_num}: not valid CSV ({exc})") from None
    return members


def read_roster(root: Path) -> list[Member]:
    """The members of <course>/roster.csv, in file order ([] when the course has none)."""
    path = roster_path(root)
    if not path.exists():
        return []
    return parse(_text(path), str(path))
