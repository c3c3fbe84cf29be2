"""The ``risk`` step's options, per store (a chain entry's table):

    chain = ["validate", {step = "risk", review_above = 40, high_above = 70, high_value = "400",
                          high_risk_countries = ["NG"]}, "reserve", …]

Every signal's points are defaults a store may change (``points = { po_box = 0 }`` turns one off);
``orderhub risk tune --apply`` stores weights learned from outcomes, which then replace them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from orderhub.extend import parse_duration

#: What each signal adds to the score when it fires. A sum of 40 or more asks for a review, 70 or
#: more holds as high risk: one strong signal alone reviews, two together hold.
DEFAULT_POINTS: dict[str, int] = {
    "disposable_email": 30,
    "billing_country_mismatch": 20,
    "phone_country_mismatch": 10,
    "first_order_high_value": 20,
    "velocity_email_1h": 30, "velocity_email_24h": 15,
    "velocity_phone_1h": 25, "velocity_phone_24h": 10,
    "velocity_address_1h": 25, "velocity_address_24h": 10,
    "velocity_card_1h": 35, "velocity_card_24h": 20,
    "card_many_customers": 30,
    "many_units": 15,
    "express_first_high_value": 15,
    "freight_forwarder": 25,
    "po_box": 10,
    "high_risk_country": 25,
    "channel_risk_high": 45,
    "channel_risk_medium": 15,
    "avs_mismatch": 15,
    "cvv_mismatch": 25,
}
SIGNALS = tuple(DEFAULT_POINTS)

#: Freight forwarders' names and the postcodes of their best-known US warehouses (Delaware,
#: Oregon and Florida: no sales tax, or the export hubs); a match in an address's lines,
#: company or postcode fires ``freight_forwarder``.
DEFAULT_FORWARDERS = [
    r"\bshipito\b", r"\bmyus(\.com)?\b", r"\bstackry\b", r"\bplanet express\b", r"\bborderlinx\b",
    r"\breship\b", r"\bforward2me\b", r"\bship7\b", r"\bviabox\b", r"\bbongo(us)?\b", r"\bcomgateway\b",
    r"\bshop ?and ?ship\b", r"\bparcel ?forward", r"\bpackage ?forward", r"\bfreight ?forward",
    r"\bunitedshipping\b", r"\bpost ?box ?usa\b",
]
DEFAULT_FORWARDER_POSTCODES = ["19720", "97230", "97218", "33166", "33122", "33172", "33178"]
#: Post-office boxes in the languages of the usual destinations.
DEFAULT_PO_BOX = [
    r"\bp\.?\s*o\.?\s*box\b", r"\bpost\s+office\s+box\b", r"\bpostfach\b", r"\bapartado\s+postal\b",
    r"\bcaixa\s+postal\b", r"\bbo[iî]te\s+postale\b", r"\bpmb\s*\d", r"\bcasilla\s+\d", r"邮政信箱",
]
#: Shipping line codes or titles that mean a fast service.
DEFAULT_EXPRESS = [r"express", r"overnight", r"next[ -]?day", r"priority", r"expedited", r"\b1[ -]?day\b",
                   r"same[ -]?day", r"加急", r"次日"]


class RiskOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    review_above: int = Field(default=40, ge=0, le=100, description="A score at or above this holds with risk_review.")
    high_above: int = Field(default=70, ge=0, le=100, description="A score at or above this holds with risk_high.")
    high_value: Decimal = Field(default=Decimal("400"), gt=0,
                                description="An order total at or above this is high value (store currency).")
    many_units: int = Field(default=10, ge=2, description="This many units of one item fires many_units.")
    velocity_1h: int = Field(default=3, ge=2, description="This many orders by one email, phone, address or card "
                                                          "within an hour fires its velocity signal.")
    velocity_24h: int = Field(default=5, ge=2, description="The same within 24 hours.")
    history_age: float = Field(default=7 * 86400.0, description="An earlier order this old (and not cancelled) "
                                                                "makes a customer known; a shipped one always does.")
    high_risk_countries: list[str] = Field(default_factory=list, description="ISO codes of destinations to weigh.")
    forwarder_patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_FORWARDERS))
    forwarder_postcodes: list[str] = Field(default_factory=lambda: list(DEFAULT_FORWARDER_POSTCODES))
    po_box_patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_PO_BOX))
    express_patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_EXPRESS))
    points: dict[str, int] = Field(default_factory=dict, description="Points per signal, over the defaults.")
    use_tuned: bool = Field(default=True, description="Use weights applied by 'orderhub risk tune --apply'.")

    @field_validator("history_age", mode="before")
    @classmethod
    def _age(cls, v: Any) -> float:
        return parse_duration(v)

    @field_validator("high_risk_countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        return [c.strip().upper() for c in v]

    @field_validator("forwarder_patterns", "po_box_patterns", "express_patterns")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        for p in v:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"{p!r} is not a regular expression: {exc}") from None
        return v

    @field_validator("points")
    @classmethod
    def _points(cls, v: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(v) - set(SIGNALS))
        if unknown:
            raise ValueError(f"unknown signal {', '.join(unknown)}; the signals are {', '.join(SIGNALS)}")
        bad = sorted(k for k, n in v.items() if not 0 <= n <= 100)
        if bad:
            raise ValueError(f"points are 0 to 100: {', '.join(bad)}")
        return v

    @model_validator(mode="after")
    def _order(self) -> RiskOptions:
        if self.high_above < self.review_above:
            raise ValueError(f"high_above ({self.high_above}) is below review_above ({self.review_above})")
        return self

    def compiled(self) -> dict[str, Any]:
        """The patterns compiled once, case-insensitive."""
        return {k: [re.compile(p, re.IGNORECASE) for p in getattr(self, f"{k}_patterns")]
                for k in ("forwarder", "po_box", "express")}
