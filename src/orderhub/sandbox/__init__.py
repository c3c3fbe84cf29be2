"""Loopback emulators of the supported marketplaces, so nobody needs a seller account to develop,
test or try orderhub. Same paths, auth, pagination, rate limits, webhooks and push endpoints as the
real APIs; deterministic orders; fault switches; a request log that tests use as the judge.

The names below load on first use, so ``orderhub.sandbox.config`` (the config writer the CLI
uses) is light: ``orderhub --help`` starts without the emulators' HTTP machinery."""

from typing import Any

__all__ = ["CarrierDesk", "Faults", "Sandbox", "Shop"]
_WHERE = {"Sandbox": "orderhub.sandbox.app", "CarrierDesk": "orderhub.sandbox.desk", "Faults": "orderhub.sandbox.shops",
          "Shop": "orderhub.sandbox.shops"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'orderhub.sandbox' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
