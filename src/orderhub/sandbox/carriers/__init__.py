"""Loopback emulators of the carriers: UPS, FedEx, DHL and USPS, each with its documented paths,
authentication and answer formats, sharing one shipment world (:mod:`.desk`).

Tracking histories advance on the sandbox clock, which moves only when told
(``POST /_sandbox/carriers/advance {"hours": 40}``), so tests and the demo decide when parcels
are delivered. Most shipments go label → pickup → in transit → out for delivery → delivered;
one in twenty misses the customer once, one in twenty ends in an exception.
"""

from .desk import CarrierDesk
from .dhl import DhlDesk
from .fedex import FedexDesk
from .ups import UpsDesk
from .usps import UspsDesk

DESKS = {"ups": UpsDesk, "fedex": FedexDesk, "dhl": DhlDesk, "usps": UspsDesk}

__all__ = ["DESKS", "CarrierDesk", "DhlDesk", "FedexDesk", "UpsDesk", "UspsDesk"]
