"""``orderhub sandbox``: loopback emulators of the supported marketplaces."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from orderhub.cli.output import console


def toml_value(v: Any) -> str:
    """A TOML literal for the simple values a generated config holds."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def sandbox_config_toml(stores: dict[str, dict[str, Any]], *, db: str = "sqlite:///orderhub.db",
                        chain: str = '["hold_rules"]', carriers: dict[str, dict[str, Any]] | None = None,
                        plugins: dict[str, dict[str, Any]] | None = None) -> str:
    """An orderhub config for the sandbox's stores and carriers (secrets as file: references;
    ``chain`` is TOML)."""
    lines = ["# Written by `orderhub sandbox`: every store and carrier points at the loopback sandbox.",
             "[database]", f'url = "{db}"', "", "[runtime]", 'executor_id = "sandbox-worker"', "",
             "[logging]", 'level = "warning"', ""]
    for section, tables in (("stores", stores), ("carriers", carriers or {}), ("plugins", plugins or {})):
        for name, values in tables.items():
            lines.append(f"[{section}.{name}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in values.items() if v is not None]
            if section == "stores":
                lines.append(f"chain = {chain}")
            lines.append("")
    return "\n".join(lines)


def sandbox(
    shops: Annotated[int, typer.Option("--shops", help="Shopify shops to emulate.")] = 2,
    woo: Annotated[int, typer.Option("--woo", help="WooCommerce shops to emulate.")] = 1,
    orders: Annotated[int, typer.Option("--orders", help="Orders per shop.")] = 1000,
    malformed: Annotated[float, typer.Option(help="Share of malformed orders (0..1).")] = 0.01,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    latency: Annotated[float, typer.Option(help="Seconds added to every response.")] = 0.0,
    bucket: Annotated[float, typer.Option(help="Shopify leaky bucket size (40 as Shopify; huge for pure ingest "
                                                "benchmarks).")] = 40.0,
    leak: Annotated[float, typer.Option(help="Shopify bucket leak, requests per second.")] = 2.0,
    write_config: Annotated[Path | None, typer.Option("--write-config", help="Write an orderhub config for these "
                                                      "shops (secrets beside it) and keep serving.")] = None,
) -> None:
    """Serve emulated Shopify and WooCommerce shops, and UPS, FedEx, DHL and USPS, on loopback until interrupted."""
    from orderhub.sandbox import Sandbox

    sb = Sandbox(shopify=shops, woocommerce=woo, orders=orders, malformed=malformed, latency=latency,
                 shopify_bucket=bucket, shopify_leak=leak)
    url = sb.start(port)
    console.print(f"sandbox on {url}: " + ", ".join(f"{n} ({type(s).__name__})" for n, s in sb.shops.items())
                  + f"; carriers {', '.join(sb.carriers)}; advance their clock: POST {url}/_sandbox/carriers/advance")
    if write_config:
        secrets = write_config.parent / "secrets"
        write_config.write_text(sandbox_config_toml(sb.store_configs(secrets), carriers=sb.carrier_configs(secrets)))
        console.print(f"wrote {write_config}; try: orderhub sync --once -c {write_config}")
    console.print(f"summary: {url}/_sandbox/summary   (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sb.stop()
