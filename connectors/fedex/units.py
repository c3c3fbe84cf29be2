"""FEDEX as data: the services the account offers and the carrier's status codes mapped to
orderhub's tracking statuses (``mapping`` and ``client`` read them)."""

from orderhub.extend import Service, StatusTable, TrackingStatus

US = frozenset({"US", "PR"})
LARGE = dict(max_weight_g=68_000, max_length_mm=2_740, max_girth_mm=4_190)
EXPRESS_DG = frozenset({"fragile", "signature", "insurance", "hazmat"})

S = TrackingStatus
_IN_TRANSIT = ("IT", "IX", "AR", "AF", "AA", "AC", "AD", "AP", "AX", "DP", "DS", "EA", "ED", "EO", "EP", "FD",
               "LO", "OF", "PF", "PL", "PM", "SF", "TR", "CC", "CP", "CH", "DY", "DD", "PD", "AO", "PU", "PX",
               "RR", "RM", "RC", "SP", "CD", "OX")
STATUS = StatusTable(
    carrier="fedex",
    codes={**{c: S.IN_TRANSIT for c in _IN_TRANSIT},
           "OC": S.INFO_RECEIVED, "IN": S.INFO_RECEIVED, "OD": S.OUT_FOR_DELIVERY, "DL": S.DELIVERED,
           "DE": S.ATTEMPT_FAIL, "SE": S.EXCEPTION, "CA": S.EXCEPTION, "RS": S.EXCEPTION, "RP": S.EXCEPTION,
           "HL": S.AVAILABLE_FOR_PICKUP, "HP": S.AVAILABLE_FOR_PICKUP},
    refine={"DE": (("damaged", S.EXCEPTION), ("refused", S.EXCEPTION), ("returned", S.EXCEPTION),
                   ("incorrect address", S.EXCEPTION))},
)
NOT_FOUND = "TRACKING.TRACKINGNUMBER.NOTFOUND"

SERVICES = (
    Service("FEDEX_GROUND", "FedEx Ground", countries=US, domestic=True, transit_days=4,
            supports=frozenset({"fragile", "signature", "insurance", "oversize"}), **LARGE),
    Service("FEDEX_2_DAY", "FedEx 2Day", countries=US, domestic=True, transit_days=2, **LARGE),
    Service("STANDARD_OVERNIGHT", "FedEx Standard Overnight", countries=US, domestic=True, express=True,
            transit_days=1, **LARGE),
    Service("PRIORITY_OVERNIGHT", "FedEx Priority Overnight", countries=US, domestic=True, express=True,
            transit_days=1, supports=EXPRESS_DG, **LARGE),
    Service("INTERNATIONAL_ECONOMY", "FedEx International Economy", domestic=False, transit_days=5, **LARGE),
    Service("FEDEX_INTERNATIONAL_PRIORITY", "FedEx International Priority", domestic=False, express=True,
            transit_days=2, supports=EXPRESS_DG, **LARGE),
)
