"""Package namespaces that load a module only when one of its names is first used (PEP 562).

Each duty package re-exports its public names so callers read `from sro_tui.policy import
check_request`. Importing every module of every package up front would put the whole core in
front of the app's first frame; with `exports`, `import sro_tui.policy` costs nothing and
`sro_tui.policy.check_request` imports `sro_tui.policy.checks` (and what it needs) the first
time it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any


def exports(
    package: str, names_by_module: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """`__getattr__`, `__dir__` and `__all__` for `package`, from {module: [names it offers]}."""
    home = {name: module for module, names in names_by_module.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        globals_of_package = import_module(package).__dict__
        globals_of_package[name] = value  # the next look-up is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(home)

    return __getattr__, __dir__, sorted(home)
