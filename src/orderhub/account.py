"""A configured account: what a marketplace store (``Connector``) and a carrier account
(``Carrier``) share — its key under its config section, its settings validated from the table's
own keys, its credentials resolved from ``env:``/``file:`` references, its HTTP adapter and pacing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SecretStr

from orderhub.errors import ConfigError
from orderhub.http import Limiter, NoLimit, StoreHttp
from orderhub.validation import parse_settings


class NoSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Account:
    """Base of ``Connector`` and ``Carrier``; a subclass names its section and its config model."""

    name: ClassVar[str]
    Settings: ClassVar[type[BaseModel]] = NoSettings
    #: Credential names, as the platform names them; given in the config as env:/file: references.
    credentials: ClassVar[tuple[str, ...]] = ()
    #: Where accounts of this kind are configured (``stores`` or ``carriers``) and the table's model.
    section: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    #: What the base URL points at, for the error when it is missing.
    base_url_is: ClassVar[str] = "its API URL"

    def __init__(self, key: str, config: Any, *, secrets: dict[str, SecretStr] | None = None,
                 http: StoreHttp | None = None, base_dir: Path | None = None) -> None:
        #: The account's name in its section (``[stores.<key>]``, ``[carriers.<key>]``).
        self.key = key
        self.config = config
        #: Relative paths in the account's options are relative to the config file's folder.
        self.base_dir = base_dir or Path.cwd()
        self.secrets = secrets or {}
        missing = [c for c in self.credentials if c not in self.secrets]
        if missing:
            raise ConfigError(f"{self.section}.{key}.credentials: missing {', '.join(missing)}",
                              **self._where(key))
        self.settings = self.parse_settings(key, config)
        self.http = http

    @classmethod
    def _where(cls, key: str) -> dict[str, str]:
        """The error context naming this account."""
        return {"account": f"{cls.section}.{key}"}

    @classmethod
    def parse_settings(cls, key: str, config: Any) -> BaseModel:
        return parse_settings(cls.Settings, config.options, key=f"{cls.section}.{key}",
                              also_known=cls.config_model.model_fields, **cls._where(key))

    @staticmethod
    def explain_error(response: Any) -> str | None:
        """The platform's refusal (a 4xx body) in its own words, for the typed error's message;
        None: the body is shown as it came. A connector's ``errors.py`` implements it."""
        return None

    @classmethod
    def make_limiter(cls, settings: BaseModel) -> Limiter:
        """The account's pacing, from the platform's published limit (refined later by its headers)."""
        return NoLimit()

    def check(self) -> list[str]:
        """Problems with what the settings name outside the config (folders, files), for
        ``orderhub check``: one line each, naming the key. The default has nothing to look at."""
        return []

    def secret(self, name: str) -> str:
        return self.secrets[name].get_secret_value()

    def api(self) -> StoreHttp:
        """The account's HTTP adapter (pacing, retries, circuit breaker, typed errors)."""
        if self.http is None:
            raise ConfigError(f"{self.section}.{self.key}.base_url: the {self.name} {self.section[:-1]} needs "
                              f"{self.base_url_is}", **self._where(self.key))
        return self.http

    async def aclose(self) -> None:
        """Release what the account holds (files, clients it created itself)."""
