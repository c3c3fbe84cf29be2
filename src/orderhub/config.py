"""One TOML file, validated by pydantic. An error names the key and what was wrong.

Secrets never live in the file: a secret value is ``"env:NAME"`` or ``"file:PATH"``, read by
:mod:`orderhub.secrets` into a ``SecretStr``.
"""

from __future__ import annotations

import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from orderhub.errors import ConfigError
from orderhub.secrets import resolve_secret
from orderhub.validation import describe

DEFAULT_CONFIG_NAME = "orderhub.toml"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_STORE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def parse_duration(value: Any) -> float:
    """``"60s"``, ``"5m"``, ``"250ms"``, ``"1h"`` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string like '60s'")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"invalid duration {value!r}; use e.g. '250ms', '60s', '5m', '1h'")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseConfig(_Section):
    url: str = "sqlite:///orderhub.db"
    system_url: str | None = Field(
        default=None,
        description="DBOS system database; defaults to a sibling SQLite file, or the same PostgreSQL database.",
    )

    @field_validator("url", "system_url")
    @classmethod
    def _known_backend(cls, v: str | None) -> str | None:
        if v is not None and not (v.startswith("sqlite") or v.startswith("postgresql")):
            raise ValueError("only sqlite:/// and postgresql+psycopg:// URLs are supported")
        return v


class RuntimeConfig(_Section):
    executor_id: str = Field(default_factory=lambda: os.environ.get("ORDERHUB_WORKER_ID", "worker-1"))
    application_version: str = "1"
    batch_size: int = Field(default=200, ge=1, le=5000)
    max_concurrent_stores: int = Field(default=8, ge=1)
    shutdown_grace: float = Field(default=30.0, ge=0, description="Seconds in-flight work may finish after SIGTERM.")
    heartbeat_interval: float = Field(default=5.0, gt=0, description="How often a worker says it is alive.")
    worker_dead_after: float = Field(default=30.0, gt=0, description="Silence after which survivors take over.")

    @field_validator("shutdown_grace", "heartbeat_interval", "worker_dead_after", mode="before")
    @classmethod
    def _grace(cls, v: Any) -> float:
        return parse_duration(v)


class LoggingConfig(_Section):
    format: Literal["console", "json"] = "console"
    level: Literal["debug", "info", "warning", "error"] = "info"


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    admin_token: str | None = None


class ChainEntry(BaseModel):
    """One step of a chain: its registered name, its error policy, its options."""

    model_config = ConfigDict(extra="allow")
    step: str
    on_error: Literal["hold", "skip", "retry"] = "hold"

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _references_only(v: dict[str, str]) -> dict[str, str]:
    for name, ref in v.items():
        if not (isinstance(ref, str) and (ref.startswith("env:") or ref.startswith("file:"))):
            raise ValueError(f"credential {name!r} must be an 'env:NAME' or 'file:PATH' reference")
    return v


class ShipFrom(_Section):
    """Where parcels leave from (the warehouse)."""

    name: str | None = None
    lines: list[str] = Field(default_factory=list)
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str = "US"
    phone: str | None = None


class PackagingRule(_Section):
    """A shipping-plan rule: when an item has ``flag``, pack it like this."""

    flag: str = Field(description="Item flag the rule applies to: fragile, hazmat, oversize, gift.")
    packaging: str | None = Field(default=None, description="Packaging name, e.g. 'padded_box'.")
    signature: bool = False
    extra_weight_g: int = Field(default=0, ge=0, description="Weight the packaging adds per parcel.")
    separate: bool = Field(default=False, description="Ship these items in their own parcel(s).")


class ScoreWeights(_Section):
    price: float = Field(default=0.4, ge=0)
    speed: float = Field(default=0.3, ge=0)
    reliability: float = Field(default=0.2, ge=0)
    handling: float = Field(default=0.1, ge=0)


PRESETS: dict[str, ScoreWeights] = {
    "cheapest": ScoreWeights(price=0.8, speed=0.05, reliability=0.1, handling=0.05),
    "fastest": ScoreWeights(price=0.1, speed=0.7, reliability=0.15, handling=0.05),
    "balanced": ScoreWeights(price=0.4, speed=0.3, reliability=0.2, handling=0.1),
}


class ShippingConfig(_Section):
    """How a store's orders are packed, rated and shipped (``[stores.NAME.shipping]``)."""

    ship_from: ShipFrom = Field(default_factory=ShipFrom)
    carriers: list[str] | None = Field(default=None, description="Carriers to rate; default: every configured one.")
    preset: Literal["cheapest", "fastest", "balanced"] = "balanced"
    weights: ScoreWeights | None = Field(default=None, description="Overrides the preset's weights.")
    default_item_weight_g: int = Field(default=500, gt=0)
    max_parcel_weight_g: int = Field(default=20000, gt=0, description="Split into more parcels above this.")
    box_mm: tuple[int, int, int] = Field(default=(400, 300, 200), description="Default box: length, width, height.")
    packaging: list[PackagingRule] = Field(default_factory=lambda: [
        PackagingRule(flag="fragile", packaging="padded_box", signature=True, extra_weight_g=150)])
    insure_above: Decimal | None = Field(default=None, description="Insure parcels of orders worth more than this.")
    express_within_days: float = Field(default=2.0, ge=0,
                                       description="Ship express when the delivery window closes within this many days.")
    delay_alert_after: float = Field(default=3 * 86400.0, description="No tracking progress this long raises 'delayed'.")
    track_interval: float = Field(default=3600.0, description="Poll an open shipment's tracking at most this often.")

    @field_validator("delay_alert_after", "track_interval", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    @property
    def score_weights(self) -> ScoreWeights:
        return self.weights or PRESETS[self.preset]


class CarrierConfig(BaseModel):
    """A carrier account (``[carriers.NAME]``). Keys not listed belong to its connector's Settings."""

    model_config = ConfigDict(extra="allow")
    connector: str
    base_url: str | None = None
    credentials: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True
    capacity_per_day: int | None = Field(default=None, ge=0, description="Shipments this account may create a day.")
    handling: float = Field(default=0.8, ge=0, le=1, description="How well it treats fragile/oversize (0..1).")
    http_timeout: float = 30.0
    http_attempts: int = Field(default=5, ge=1, le=20)
    http_budget: float = 60.0

    @field_validator("http_timeout", "http_budget", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    _refs = field_validator("credentials")(classmethod(lambda cls, v: _references_only(v)))

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def secrets(self, name: str) -> dict[str, SecretStr]:
        return {k: resolve_secret(v, key=f"carriers.{name}.credentials.{k}") for k, v in self.credentials.items()}


class StoreConfig(BaseModel):
    """A store. Keys not listed here belong to its connector and are validated by its Settings."""

    model_config = ConfigDict(extra="allow")
    connector: str
    base_url: str | None = None
    credentials: dict[str, str] = Field(default_factory=dict)
    poll_interval: float = 60.0
    chain: list[ChainEntry] = Field(default_factory=list)
    enabled: bool = True
    payment_rule: Literal["always", "paid", "authorized"] = Field(
        default="paid", description="Which payment states may proceed past validation.")
    locations: list[str] = Field(default_factory=lambda: ["default"], min_length=1,
                                 description="Stock locations this store reserves from, in order of preference.")
    reserve_policy: Literal["hold", "backorder"] = Field(default="hold", description="What partial stock does.")
    stock_sync: bool = Field(default=False, description="Push available stock of the SKUs it sells to this store.")
    http_timeout: float = Field(default=30.0, description="Seconds one HTTP call may take.")
    http_attempts: int = Field(default=6, ge=1, le=20, description="Tries per HTTP call, the first included.")
    http_budget: float = Field(default=120.0, description="Seconds one HTTP call may spend retrying in all.")
    shipping: ShippingConfig = Field(default_factory=ShippingConfig)

    @field_validator("poll_interval", "http_timeout", "http_budget", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    @field_validator("chain", mode="before")
    @classmethod
    def _chain_entries(cls, v: Any) -> Any:
        if not isinstance(v, list):
            raise ValueError("chain must be a list of step names or tables with a 'step' key")
        return [{"step": e} if isinstance(e, str) else e for e in v]

    _refs = field_validator("credentials")(classmethod(lambda cls, v: _references_only(v)))

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def secrets(self, store: str) -> dict[str, SecretStr]:
        return {k: resolve_secret(v, key=f"stores.{store}.credentials.{k}") for k, v in self.credentials.items()}


class Config(_Section):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    runtime: RuntimeConfig = Field(default_factory=RuntimeConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    stores: dict[str, StoreConfig] = Field(default_factory=dict)
    carriers: dict[str, CarrierConfig] = Field(default_factory=dict)
    #: One table per plugin, e.g. ``[plugins.low_stock_alerts]``; read by the plugin's ``configure`` hook.
    plugins: dict[str, dict[str, Any]] = Field(default_factory=dict)
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _store_names(self) -> Config:
        for name in self.stores:
            if not _STORE_NAME.match(name):
                raise ValueError(f"store name {name!r} must be lowercase letters, digits, '-' or '_'")
        for name in self.carriers:
            if not _STORE_NAME.match(name):
                raise ValueError(f"carrier name {name!r} must be lowercase letters, digits, '-' or '_'")
        for name, store in self.stores.items():
            unknown = [c for c in store.shipping.carriers or [] if c not in self.carriers]
            if unknown:
                raise ValueError(f"stores.{name}.shipping.carriers: {', '.join(unknown)} not under [carriers]")
        return self

    def system_database_url(self) -> str:
        if self.database.system_url:
            return self.database.system_url
        url = self.database.url
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[1] or "orderhub.db"
            stem = path[:-3] if path.endswith(".db") else path
            return f"sqlite:///{stem}.dbos.db"
        return url


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(describe(exc, model=Config))) from None
    cfg.path = path
    if path is not None:
        _anchor_sqlite_paths(cfg, path.parent)
    return cfg


def _anchor_sqlite_paths(cfg: Config, base: Path) -> None:
    """Relative SQLite paths are relative to the config file, not to wherever the CLI was started."""
    for attr in ("url", "system_url"):
        url = getattr(cfg.database, attr)
        if url and url.startswith("sqlite") and ":///" in url:
            prefix, file = url.split(":///", 1)
            if file and not file.startswith("/") and file != ":memory:":
                setattr(cfg.database, attr, f"{prefix}:///{(base / file).resolve()}")


def load_config(path: str | Path | None = None) -> Config:
    """Load from ``path``, else ``$ORDERHUB_CONFIG``, else ``./orderhub.toml``."""
    chosen = Path(path or os.environ.get("ORDERHUB_CONFIG") or DEFAULT_CONFIG_NAME)
    try:
        raw = chosen.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {chosen} not found (use --config or $ORDERHUB_CONFIG)") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {chosen} is a directory; name the TOML file in it") from None
    except OSError as exc:
        raise ConfigError(f"config file {chosen} cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode())
    except UnicodeDecodeError:
        raise ConfigError(f"{chosen}: not a text file (a TOML config is UTF-8 text)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{chosen}: not valid TOML: {exc}") from None
    return parse_config(data, path=chosen.resolve())
