"""Loopback emulators of the supported marketplaces, so nobody needs a seller account to develop,
test or try orderhub. Same paths, auth, pagination, rate limits, webhooks and push endpoints as the
real APIs; deterministic orders; fault switches; a request log that tests use as the judge."""

from orderhub.sandbox.app import Sandbox
from orderhub.sandbox.desk import CarrierDesk
from orderhub.sandbox.shops import Faults, Shop

__all__ = ["CarrierDesk", "Faults", "Sandbox", "Shop"]
