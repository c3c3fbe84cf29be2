from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import parse_duration


class FilesSettings(BaseModel):
    """Options of a ``files`` store (keys beside ``connector`` in its config table)."""

    model_config = ConfigDict(extra="forbid")
    path: Path = Field(description="Folder watched for *.json and *.csv files.")
    outbox: Path | None = Field(default=None, description="Folder where pushes are written; none: pushes are refused.")
    files_per_page: int = Field(default=100, ge=1, le=10_000)
    overlap: float = Field(default=2.0, description="Re-read files modified this long before the cursor.")
    settle: float = Field(default=0.0, description="Skip files modified more recently than this (still being written).")
    timezone: str = Field(default="UTC", description="Zone for CSV timestamps written without an offset.")
    channel: str = Field(default="files", description="Channel name stamped on the orders.")
    feedback_path: Path | None = Field(default=None, description="Folder of feedback exports (*.csv, *.json: id, "
                                       "order_ref, channel, kind, rating, text, created_at), pulled like orders.")

    @field_validator("overlap", "settle", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)
