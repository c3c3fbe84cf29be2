"""Regenerate docs/plugin_hooks.md from src/orderhub/hookspecs.py (tests/test_hookspecs.py checks it)."""

import inspect
from pathlib import Path

from orderhub import hookspecs

HEADER = """# Plugin hooks

Every extension point of orderhub, in pipeline order, generated from `src/orderhub/hookspecs.py`
by `scripts/gen_hook_docs.py` and checked by `tests/test_hookspecs.py`: one heading per hook with its
exact signature. A plugin is a module or object with `@hookimpl` functions, registered under the
`orderhub` entry-point group (see the README, *Writing a plugin*).
"""


def hooks():
    return [(n, f) for n, f in vars(hookspecs).items() if inspect.isfunction(f) and hasattr(f, "orderhub_spec")]


def render() -> str:
    parts = [HEADER]
    for name, fn in hooks():
        sig = str(inspect.signature(fn)).replace("'", "")
        parts.append(f"## {name}{sig}\n\n{inspect.getdoc(fn)}\n")
    return "\n".join(parts)


if __name__ == "__main__":
    Path(__file__).parents[1].joinpath("docs", "plugin_hooks.md").write_text(render())
