"""Options of a ``usps`` carrier account (keys beside ``connector`` in its ``[carriers.NAME]`` table)."""

from pydantic import BaseModel, ConfigDict


class UspsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: Payer roles for the Payments API (label purchase): customer registration id and mailer id.
    crid: str = ""
    mid: str = ""
    account_number: str = ""
    account_type: str = "EPS"
    requests_per_second: float = 5.0
