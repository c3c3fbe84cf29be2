"""Options of a ``fedex`` carrier account (keys beside ``connector`` in its ``[carriers.NAME]`` table)."""

from pydantic import BaseModel, ConfigDict


class FedexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_number: str = ""
    requests_per_second: float = 10.0
