"""``orderhub sandbox``: loopback emulators of the supported marketplaces."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from orderhub.cli.output import console


# The sandbox's config writer lives with the sandbox (the demo and the drills use it too).
from orderhub.sandbox.config import sandbox_config_toml, toml_value  # noqa: E402,F401


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
