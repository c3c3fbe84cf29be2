"""What the benchmarks share: child processes timed with their peak memory, a sandbox in its own
process, and the closing ``result:`` line. Benchmarks are not tests: machines are noisy, so each
compares against a floor or a peer measured in the same run and prints the ratio."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

PY = sys.executable


@dataclass
class Run:
    """One child process: wall seconds, peak RSS (MiB) and CPU seconds (user + system)."""

    wall: float
    rss: float
    cpu: float


def run_timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a child process to its end and measure it; exits with its stderr when it fails."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a child that logs a lot never blocks on it
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if os.environ.get("BENCH_STDERR"):
        Path(os.environ["BENCH_STDERR"]).write_text(err)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd[:5])} failed:\n{err[-3000:]}")
    return Run(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a child process; exits with its stderr when it fails."""
    run = run_timed(cmd, env, cwd)
    return run.wall, run.rss


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def sandbox(*args: str) -> Iterator[tuple[Path, str]]:
    """``orderhub sandbox ARGS`` in its own process; yields (work dir with orderhub.toml and secrets/, base URL)."""
    work = Path(tempfile.mkdtemp(prefix="orderhub-bench-"))
    port = free_port()
    proc = subprocess.Popen([PY, "-m", "orderhub.cli.app", "sandbox", "--port", str(port), *args,
                             "--write-config", str(work / "orderhub.toml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):
            if (work / "orderhub.toml").exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is not None:
            raise SystemExit(f"sandbox failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        time.sleep(0.3)
        yield work, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class FastServer:
    """``bench/fastserver.py`` running: each store's base URL, and what the server reports."""

    base: str
    stores: dict[str, str]  # store name -> its base URL

    def stats(self, since: int = 0) -> dict[str, Any]:
        """The server's CPU seconds so far, and the count of order requests, the time of the
        ``since``-th and of the last."""
        import httpx

        return httpx.get(f"{self.base}/_cpu", params={"since": since}, timeout=10).json()

    def cpu(self) -> float:
        return self.stats()["cpu_seconds"]


@contextmanager
def fast_shops(orders: int, shops: int = 1, page_size: int = 250, latency: float = 0.0,
               **store_options: Any) -> Iterator[tuple[Path, FastServer]]:
    """``bench/fastserver.py`` in its own process: ``shops`` Shopify shops (shop1, shop2, …) whose
    REST pages are pre-rendered as bytes; ``latency`` seconds of round trip. Yields (work dir with
    orderhub.toml, its stores set with ``store_options``, and secrets/, the server)."""
    import httpx

    from orderhub.cli.sandbox_cmd import sandbox_config_toml

    work = Path(tempfile.mkdtemp(prefix="orderhub-bench-fast-"))
    port, token = free_port(), "shpat_bench"
    proc = subprocess.Popen([PY, str(Path(__file__).with_name("fastserver.py")), "--orders", str(orders),
                             "--port", str(port), "--token", token, "--page-size", str(page_size),
                             "--latency", str(latency)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    server = FastServer(base, {f"shop{k}": f"{base}/s{k}" for k in range(1, shops + 1)})
    try:
        for _ in range(1200):
            if proc.poll() is not None:
                raise SystemExit(f"fast server failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            try:
                server.cpu()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        (work / "secrets").mkdir()
        (work / "secrets" / "access_token").write_text(token)
        (work / "secrets" / "webhook_secret").write_text("bench-webhook-secret")
        stores = {name: {"connector": "shopify", "base_url": url, "api_version": "2025-01", **store_options,
                         "credentials": {"access_token": f"file:{work / 'secrets' / 'access_token'}",
                                         "webhook_secret": f"file:{work / 'secrets' / 'webhook_secret'}"}}
                  for name, url in server.stores.items()}
        (work / "orderhub.toml").write_text(sandbox_config_toml(stores))
        yield work, server
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def fast_shop(orders: int, page_size: int = 250) -> Iterator[tuple[Path, str, Any]]:
    """One shop of :func:`fast_shops`: yields (work dir, the shop's base URL, a function returning
    the server's CPU seconds so far)."""
    with fast_shops(orders, 1, page_size) as (work, server):
        yield work, server.stores["shop1"], server.cpu


def run_dir(work: Path, name: str, db_url: str | None = None, *, replace: dict[str, str] | None = None,
            api: str = "rest") -> Path:
    """A fresh directory holding the sandbox's config (pointed at its own database) and secrets.
    Shopify stores read through ``api``: REST unless asked, as the floors these benchmarks compare
    with are REST clients."""
    d = work / name
    d.mkdir()
    text = (work / "orderhub.toml").read_text()
    text = text.replace('url = "sqlite:///orderhub.db"', f'url = "{db_url or f"sqlite:///{d}/hub.db"}"')
    text = text.replace('api_version = "2025-01"', f'api_version = "2025-01"\napi = "{api}"')
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    (d / "orderhub.toml").write_text(text)
    return d


def sync_cmd(config: Path) -> list[str]:
    return [PY, "-m", "orderhub.cli.app", "sync", "--once", "-c", str(config)]


def result(name: str, ratio: float, target: float) -> None:
    print(f"result: {name} ratio={ratio:.2f} target={target}")
