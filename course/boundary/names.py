"""learner_names: the names test cells read from the learner's notebook."""

from __future__ import annotations

import builtins
import re
import symtable

#: Names IPython provides in every kernel's namespace.
IPYTHON_NAMES = {"get_ipython", "display", "In", "Out", "exit", "quit", "_", "__", "___",
                 "_i", "_ii", "_iii", "_ih", "_oh", "_dh"}
_MAGIC = re.compile(r"^\s*[%!]")


def _strip_magics(source: str) -> str:
    return "\n".join("" if _MAGIC.match(line) else line for line in source.split("\n"))


def _walk(table: symtable.SymbolTable, reads: set[str], binds: set[str]) -> None:
    top = table.get_type() == "module"
    for symbol in table.get_symbols():
        name = symbol.get_name()
        if top:
            if symbol.is_assigned() or symbol.is_imported() or _defines(table, name):
                binds.add(name)
            if symbol.is_referenced():
                reads.add(name)
        else:
            if symbol.is_declared_global() and symbol.is_assigned():
                binds.add(name)
            if symbol.is_global() and symbol.is_referenced():
                reads.add(name)
    for child in table.get_children():
        _walk(child, reads, binds)


def _defines(table: symtable.SymbolTable, name: str) -> bool:
    return any(child.get_name() == name and child.get_type() in ("function", "class")
               for child in table.get_children())


def learner_names(test_cell_sources: list[str]) -> list[str]:
    """Sorted free names the test cells read: not bound by any test cell, not builtins or IPython's."""
    reads: set[str] = set()
    binds: set[str] = set()
    for source in test_cell_sources:
        try:
            table = symtable.symtable(_strip_magics(source), "<test cell>", "exec")
        except SyntaxError:
            continue
        _walk(table, reads, binds)
    return sorted(reads - binds - set(dir(builtins)) - IPYTHON_NAMES)
