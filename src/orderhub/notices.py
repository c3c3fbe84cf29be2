"""Notices: what the database work of a transaction asks the hooks to hear once it has committed.

A store function appends ``(hook name, keyword arguments)`` to the caller's list (an order moved,
stock ran low); the caller fires them with ``Hub.notify`` after the commit, so a hook never sees
work that was rolled back. Kept apart from the store modules so any of them can produce one.
"""

from __future__ import annotations

from typing import Any

#: (hook name, keyword arguments): fired by the caller once the transaction has committed.
Notice = tuple[str, dict[str, Any]]
