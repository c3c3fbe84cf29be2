"""DHL as data: the services the account offers and the carrier's status codes mapped to
orderhub's tracking statuses (``mapping`` and ``client`` read them)."""

from orderhub.extend import Service, StatusTable, TrackingStatus


S = TrackingStatus
STATUS = StatusTable(
    carrier="dhl",
    codes={"pre-transit": S.INFO_RECEIVED, "transit": S.IN_TRANSIT, "delivered": S.DELIVERED,
           "failure": S.ATTEMPT_FAIL, "unknown": S.PENDING},
    refine={
        "transit": (("out for delivery", S.OUT_FOR_DELIVERY), ("with delivery courier", S.OUT_FOR_DELIVERY),
                    ("out with courier", S.OUT_FOR_DELIVERY),
                    ("ready for pickup", S.AVAILABLE_FOR_PICKUP), ("available for pick", S.AVAILABLE_FOR_PICKUP),
                    ("awaiting collection", S.AVAILABLE_FOR_PICKUP)),
        "failure": (("return", S.EXCEPTION), ("lost", S.EXCEPTION), ("damage", S.EXCEPTION),
                    ("refused", S.EXCEPTION), ("customs", S.EXCEPTION), ("cancel", S.EXCEPTION)),
    },
)

SERVICES = (
    Service("N", "DHL Express Domestic", domestic=True, express=True, transit_days=1,
            max_weight_g=70_000, max_length_mm=1_200),
    Service("P", "DHL Express Worldwide", domestic=False, express=True, transit_days=3,
            max_weight_g=70_000, max_length_mm=1_200),
)
