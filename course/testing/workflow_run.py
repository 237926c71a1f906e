"""Which jobs of a GitHub Actions workflow run, for an event and a failing job, as the runner decides.

level2/03-mlops-pipeline's tests judge a workflow by what it does: "when the unit tests fail on
a pull request, does the rollback job run?" `simulate` answers such questions from the plain
workflow dict. It evaluates `if:` conditions with GitHub's expression rules (the implicit
`success()`, status functions that look at every ancestor job, case-insensitive string
comparison, `&&`/`||` returning an operand) for the contexts a workflow's conditions use
(`github`, `needs`); anything else (`secrets`, `vars`, `env`) reads as null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from course.testing.workflow import ancestors, cond, needs

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\)|,|\[|\]|\.\*|\.)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
)""", re.X)
_STATUS_CALL = re.compile(r"\b(success|failure|always|cancelled)\s*\(", re.I)
_LITERALS = {"true": True, "false": False, "null": None}


class ExpressionError(ValueError):
    """An `if:` this evaluator cannot read (actionlint reports the real syntax errors)."""


def _tokens(text: str) -> list[tuple[str, Any]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:pos + 20]!r}")
        pos = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "str":
            value = value[1:-1].replace("''", "'")
        elif kind == "num":
            value = float(value)
        out.append((kind, value))
    return out


def truthy(value: Any) -> bool:
    """GitHub's truthiness: null, false, 0, NaN and '' are false."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == value and value != 0
    return True


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip() or 0)
        except ValueError:
            return float("nan")
    return float("nan")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is type(b) or (a is None and b is None):
        return a == b
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return a is b
    return _number(a) == _number(b)


@dataclass
class _Parser:
    tokens: list[tuple[str, Any]]
    context: dict[str, Any]
    status: dict[str, bool]
    pos: int = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, Any]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ExpressionError(f"expected {value or 'more'}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        left = self.unary()
        token = self.peek()
        if token and token[0] == "op" and token[1] in ("==", "!=", "<", ">", "<=", ">="):
            self.take()
            right = self.unary()
            if token[1] == "==":
                return _equal(left, right)
            if token[1] == "!=":
                return not _equal(left, right)
            if isinstance(left, str) and isinstance(right, str):
                a, b = left.casefold(), right.casefold()
            else:
                a, b = _number(left), _number(right)
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[token[1]]
        return left

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind in ("str", "num"):
            return value
        if (kind, value) == ("op", "("):
            inner = self.or_()
            self.take(")")
            return inner
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        if value.lower() in _LITERALS:
            return _LITERALS[value.lower()]
        if self.peek() == ("op", "("):
            return self.call(value)
        current = self.context.get(value)
        while True:
            token = self.peek()
            if token == ("op", "."):
                self.take()
                key = str(self.take()[1])
                if isinstance(current, list):  # after a `.*` filter: the key of every item
                    current = [item.get(key) if isinstance(item, dict) else None for item in current]
                else:
                    current = current.get(key) if isinstance(current, dict) else None
            elif token == ("op", ".*"):
                self.take()
                current = list(current.values()) if isinstance(current, dict) else None
            elif token == ("op", "["):
                self.take()
                key = self.or_()
                self.take("]")
                current = current.get(str(key)) if isinstance(current, dict) else None
            else:
                return current

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        if self.peek() != ("op", ")"):
            args.append(self.or_())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.or_())
        self.take(")")
        lower = name.lower()
        if lower in self.status:
            return self.status[lower]
        text = [str(a).casefold() if a is not None else "" for a in args]
        if lower == "contains" and len(args) == 2:
            if isinstance(args[0], list):
                return any(_equal(item, args[1]) for item in args[0])
            return text[1] in text[0]
        if lower == "startswith" and len(args) == 2:
            return text[0].startswith(text[1])
        if lower == "endswith" and len(args) == 2:
            return text[0].endswith(text[1])
        return None  # format, join, hashFiles, fromJSON...: not needed to decide a condition


def evaluate(expression: str, context: dict[str, Any], status: dict[str, bool]) -> Any:
    """The value of a GitHub expression (without `${{ }}`) in `context`."""
    return _Parser(_tokens(expression), context, status).parse()


def runs(condition: Any, context: dict[str, Any], status: dict[str, bool]) -> bool:
    """Whether a job or step with this `if:` runs: GitHub adds success() unless a status function
    appears in the condition."""
    if isinstance(condition, bool):
        return condition and status["success"]
    text = cond({"if": condition})
    if not text:
        return status["success"]
    value = truthy(evaluate(text, context, status))
    return value if _STATUS_CALL.search(text) else (value and status["success"])


@dataclass(frozen=True)
class Event:
    """What started the run: a push to a branch, or a pull request into one."""

    name: str = "push"
    branch: str = "main"
    number: int = 7

    def github(self) -> dict[str, Any]:
        if self.name == "pull_request":
            return {"event_name": "pull_request", "ref": f"refs/pull/{self.number}/merge",
                    "ref_name": f"{self.number}/merge", "base_ref": self.branch,
                    "head_ref": "feature", "ref_type": "branch",
                    "event": {"pull_request": {"number": self.number}}}
        return {"event_name": self.name, "ref": f"refs/heads/{self.branch}",
                "ref_name": self.branch, "base_ref": "", "head_ref": "", "ref_type": "branch",
                "event": {}}

    def __str__(self) -> str:
        return (f"a pull request into {self.branch}" if self.name == "pull_request"
                else f"a {self.name} to {self.branch}")


PUSH_MAIN = Event("push", "main")
PULL_REQUEST = Event("pull_request", "main")


@dataclass
class Run:
    """The result of every job ("success", "failure" or "skipped") in one simulated run."""

    results: dict[str, str] = field(default_factory=dict)

    def ran(self, job_id: str) -> bool:
        return self.results.get(job_id) in ("success", "failure")


def _order(wf: dict) -> list[str]:
    jobs, done, order = wf["jobs"], set(), []

    def visit(job_id: str, path: tuple[str, ...]) -> None:
        if job_id in done:
            return
        if job_id in path:
            raise ExpressionError(f"the needs of {job_id!r} form a cycle")
        for dep in needs(jobs[job_id]):
            if dep in jobs:
                visit(dep, path + (job_id,))
        done.add(job_id)
        order.append(job_id)

    for job_id in jobs:
        visit(job_id, ())
    return order


def simulate(wf: dict, event: Event = PUSH_MAIN, failing: frozenset[str] = frozenset()) -> Run:
    """Which jobs run, and how they end, when `event` starts the workflow and the jobs in
    `failing` fail (if they run at all); every other job that runs succeeds."""
    jobs, run = wf["jobs"], Run()
    for job_id in _order(wf):
        direct = [d for d in needs(jobs[job_id]) if d in jobs]
        above = ancestors(wf, job_id)
        results = [run.results[a] for a in above]
        status = {
            "success": all(run.results[d] == "success" for d in direct) and "failure" not in results,
            "failure": "failure" in results,
            "always": True,
            "cancelled": False,
        }
        context = {"github": event.github(),
                   "needs": {d: {"result": run.results[d], "outputs": {}} for d in direct}}
        if runs(jobs[job_id].get("if"), context, status):
            run.results[job_id] = "failure" if job_id in failing else "success"
        else:
            run.results[job_id] = "skipped"
    return run


def step_runs(step: dict, event: Event, earlier_failed: bool) -> bool:
    """Whether a step runs in a job that is running, after earlier steps failed or not."""
    status = {"success": not earlier_failed, "failure": earlier_failed, "always": True,
              "cancelled": False}
    return runs(step.get("if"), {"github": event.github(), "needs": {}}, status)
