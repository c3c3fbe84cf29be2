"""Options of a ``dhl`` carrier account (keys beside ``connector`` in its ``[carriers.NAME]`` table)."""

from pydantic import BaseModel, ConfigDict


class DhlSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_number: str = ""
    #: MyDHL API (rates, labels) lives on another host than tracking in production.
    express_base_path: str = "/mydhlapi"
    #: The tracking API's published default is 250 calls a day, at most one every 5 seconds; raise it
    #: with the limit DHL granted your key.
    tracking_calls_per_second: float = 0.2
