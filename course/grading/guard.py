"""The integrity guard: what the executor runs in the kernel before any learner cell and before each test.

Before the first cell the executor runs `install_code(nonce)` (silently, not in the notebook). It
records how IPython runs code: the input and AST transformers, `showtraceback`, `run_cell` and the
kernel's execute handler. Before each test cell the executor evaluates `check_expression(nonce)` as a
user expression (user expressions are evaluated without input transformers), which returns the
names of whatever changed since. Learner code runs in the same process, so this is a tripwire for
the known ways of rewriting or silencing test cells, not a proof: see course/grading/README.md.
"""

from __future__ import annotations

import ast

#: What each changed hook means, for the flag the instructor and learner read.
MEANINGS = {
    "input_transformers_cleanup": "an IPython input transformer was added or removed",
    "input_transformers_post": "an IPython input transformer was added or removed",
    "input_transformer_manager": "IPython's input transformer manager was replaced",
    "ast_transformers": "an IPython AST transformer was added or removed",
    "showtraceback": "IPython's error display (showtraceback) was replaced",
    "_showtraceback": "IPython's error display (showtraceback) was replaced",
    "showsyntaxerror": "IPython's error display (showsyntaxerror) was replaced",
    "run_cell": "IPython's cell runner was replaced",
    "run_cell_async": "IPython's cell runner was replaced",
    "run_ast_nodes": "IPython's cell runner was replaced",
    "run_code": "IPython's cell runner was replaced",
    "transform_cell": "IPython's cell transformer was replaced",
    "transform_ast": "IPython's AST transformer hook was replaced",
    "compile": "IPython's compiler was replaced",
    "do_execute": "the kernel's execute handler was replaced",
    "execute_request": "the kernel's execute handler was replaced",
    "missing": "the grader's integrity check was removed from the kernel",
}

_INSTALL = r'''
def _course_guard_install(nonce):
    import sys, types
    ip = get_ipython()
    lists = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
    methods = ("showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
               "run_ast_nodes", "run_code", "transform_cell", "transform_ast")
    def snapshot():
        state = {}
        for name in lists:
            state[name] = tuple(id(x) for x in getattr(ip, name, ()))
        for name in methods:
            state[name] = (name in vars(ip), id(getattr(type(ip), name, None)))
        state["input_transformer_manager"] = id(ip.input_transformer_manager)
        state["compile"] = id(ip.compile)
        kernel = getattr(ip, "kernel", None)
        if kernel is not None:
            state["do_execute"] = ("do_execute" in vars(kernel), id(getattr(type(kernel), "do_execute", None)))
            handlers = getattr(kernel, "shell_handlers", {})
            state["execute_request"] = id(getattr(handlers.get("execute_request"), "__func__", None))
        return state
    base = snapshot()
    def check():
        now = snapshot()
        return sorted(name for name in base if base[name] != now.get(name))
    module = types.ModuleType("_course_guard_" + nonce)
    module.check = check
    sys.modules[module.__name__] = module
_course_guard_install(%r)
del _course_guard_install
'''


def install_code(nonce: str) -> str:
    return _INSTALL % nonce


def check_expression(nonce: str) -> str:
    return f"__import__('sys').modules['_course_guard_{nonce}'].check()"


def parse_check(reply_content: dict, key: str) -> list[str]:
    """The changed hooks named by a guard reply; ["missing"] when the guard could not answer."""
    expr = (reply_content.get("user_expressions") or {}).get(key) or {}
    if expr.get("status") != "ok":
        return ["missing"]
    text = (expr.get("data") or {}).get("text/plain", "")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return ["missing"]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return ["missing"]
    return value


def describe(changed: list[str]) -> str:
    """A plain sentence for the flag: what changed before the test cell ran."""
    meanings = []
    for name in changed:
        text = MEANINGS.get(name, f"IPython's {name} was changed")
        if text not in meanings:
            meanings.append(text)
    return ("learner code changed how test cells run (" + "; ".join(meanings)
            + "), so this test's result cannot be trusted and earns no credit")
