"""USPS as data: the services the account offers and the carrier's status codes mapped to
orderhub's tracking statuses (``mapping`` and ``client`` read them)."""

from orderhub.extend import Service, StatusTable, TrackingStatus

US = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})

S = TrackingStatus
_TEXT = (("out for delivery", S.OUT_FOR_DELIVERY), ("notice left", S.ATTEMPT_FAIL),
         ("delivery attempted", S.ATTEMPT_FAIL), ("available for pickup", S.AVAILABLE_FOR_PICKUP),
         ("return to sender", S.EXCEPTION), ("returned to sender", S.EXCEPTION), ("undeliverable", S.EXCEPTION),
         ("delivered", S.DELIVERED), ("label created", S.INFO_RECEIVED), ("pre-shipment", S.INFO_RECEIVED),
         ("shipping partner", S.INFO_RECEIVED), ("alert", S.EXCEPTION))
STATUS = StatusTable(
    carrier="usps",
    codes={"01": S.DELIVERED, "17": S.DELIVERED, "43": S.DELIVERED,
           **{c: S.ATTEMPT_FAIL for c in ("02", "51", "52", "53", "54", "55", "56", "57")},
           **{c: S.EXCEPTION for c in ("04", "05", "08", "09", "15", "21", "22", "23", "24", "25", "26", "27",
                                       "28", "29", "44")},
           "03": S.IN_TRANSIT, "07": S.IN_TRANSIT, "10": S.IN_TRANSIT, "14": S.IN_TRANSIT, "16": S.AVAILABLE_FOR_PICKUP,
           "OF": S.OUT_FOR_DELIVERY, "GX": S.INFO_RECEIVED, "MA": S.INFO_RECEIVED},
    refine={"": _TEXT},
)
#: ``statusCategory`` of the shipment, when it has no events.
CATEGORY = StatusTable(
    carrier="usps",
    codes={"Pre-Shipment": S.INFO_RECEIVED, "Accepted": S.IN_TRANSIT, "In Transit": S.IN_TRANSIT,
           "Out for Delivery": S.OUT_FOR_DELIVERY, "Delivered": S.DELIVERED, "Delivery Attempt": S.ATTEMPT_FAIL,
           "Available for Pickup": S.AVAILABLE_FOR_PICKUP, "Alert": S.EXCEPTION, "Return to Sender": S.EXCEPTION,
           "Missent": S.IN_TRANSIT},
    default=S.PENDING,
)

SERVICES = (
    Service("USPS_GROUND_ADVANTAGE", "USPS Ground Advantage", countries=US, domestic=True, transit_days=4,
            max_weight_g=31_751, max_girth_mm=3_300,
            supports=frozenset({"fragile", "signature", "insurance", "hazmat"})),
    Service("PRIORITY_MAIL", "USPS Priority Mail", countries=US, domestic=True, transit_days=2,
            max_weight_g=31_751, max_girth_mm=2_743),
    Service("PRIORITY_MAIL_EXPRESS", "USPS Priority Mail Express", countries=US, domestic=True, express=True,
            transit_days=1, max_weight_g=31_751, max_girth_mm=2_743),
)
