"""Options of a ``ups`` carrier account (keys beside ``connector`` in its ``[carriers.NAME]`` table)."""

from pydantic import BaseModel, ConfigDict


class UpsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_number: str = ""
    api_version: str = "v2409"
    transaction_src: str = "orderhub"
    requests_per_second: float = 10.0
