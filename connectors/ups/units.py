"""UPS as data: the services the account offers and the carrier's status codes mapped to
orderhub's tracking statuses (``mapping`` and ``client`` read them)."""

from orderhub.extend import Service, StatusTable, TrackingStatus

US = frozenset({"US", "PR"})
LARGE = dict(max_weight_g=68_000, max_length_mm=2_740, max_girth_mm=4_190)

S = TrackingStatus
STATUS = StatusTable(
    carrier="ups",
    codes={"D": S.DELIVERED, "I": S.IN_TRANSIT, "O": S.OUT_FOR_DELIVERY, "X": S.EXCEPTION, "P": S.IN_TRANSIT,
           "M": S.INFO_RECEIVED, "MV": S.EXCEPTION, "RS": S.EXCEPTION, "DO": S.IN_TRANSIT, "DD": S.IN_TRANSIT,
           "W": S.IN_TRANSIT, "NA": S.PENDING},
    refine={
        "X": (("delivery attempt", S.ATTEMPT_FAIL), ("attempted delivery", S.ATTEMPT_FAIL),
              ("not available for delivery", S.ATTEMPT_FAIL), ("receiver was not available", S.ATTEMPT_FAIL),
              ("second attempt", S.ATTEMPT_FAIL), ("business was closed", S.ATTEMPT_FAIL),
              ("held for pickup", S.AVAILABLE_FOR_PICKUP)),
        "I": (("out for delivery", S.OUT_FOR_DELIVERY), ("awaiting customer pickup", S.AVAILABLE_FOR_PICKUP),
              ("ready for pickup", S.AVAILABLE_FOR_PICKUP)),
        "D": (("awaiting customer pickup", S.AVAILABLE_FOR_PICKUP),),
    },
)

SERVICES = (
    Service("03", "UPS Ground", countries=US, domestic=True, transit_days=4,
            supports=frozenset({"fragile", "signature", "insurance", "oversize"}), **LARGE),
    Service("12", "UPS 3 Day Select", countries=US, domestic=True, transit_days=3, **LARGE),
    Service("02", "UPS 2nd Day Air", countries=US, domestic=True, transit_days=2, **LARGE),
    Service("01", "UPS Next Day Air", countries=US, domestic=True, express=True, transit_days=1, **LARGE),
    Service("11", "UPS Standard", domestic=False, transit_days=5, **LARGE),
    Service("65", "UPS Worldwide Saver", domestic=False, express=True, transit_days=2, **LARGE),
)
