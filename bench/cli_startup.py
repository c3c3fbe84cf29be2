"""CLI start-up: how long ``orderhub --help`` and ``orderhub version`` take against a bare
``python -c pass`` measured in the same run (issue #13: every command used to take 2.1–2.4 s
because everything was imported up front).

    python bench/cli_startup.py [--runs 15]

Each command runs ``--runs`` times; the median wall time and the CPU seconds of the child are
printed with the ratio to the floor. Target: each command under 0.5 s, and its extra time over
the floor (the part orderhub controls) printed beside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, result  # noqa: E402

TARGET_S = 0.5
COMMANDS = {"python -c pass": [PY, "-c", "pass"],
            "orderhub version": [PY, "-m", "orderhub.cli.app", "version"],
            "orderhub --version": [PY, "-m", "orderhub.cli.app", "--version"],
            "orderhub --help": [PY, "-m", "orderhub.cli.app", "--help"],
            "orderhub review approve --help": [PY, "-m", "orderhub.cli.app", "review", "approve", "--help"]}


def run(cmd: list[str]) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    walls: dict[str, list[float]] = {k: [] for k in COMMANDS}
    cpus: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for _ in range(args.runs):  # interleaved, so a noisy moment hits every command alike
        for name, cmd in COMMANDS.items():
            wall, cpu = run(cmd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor = statistics.median(walls["python -c pass"])
    print(f"{'command':34} {'median s':>9} {'cpu s':>7} {'× floor':>8} {'over floor s':>13}")
    worst = 0.0
    for name in COMMANDS:
        med = statistics.median(walls[name])
        print(f"{name:34} {med:9.3f} {statistics.median(cpus[name]):7.3f} {med / floor:8.1f} {med - floor:13.3f}")
        if name != "python -c pass":
            worst = max(worst, med)
    print(f"slowest start-up {worst:.3f} s against the target {TARGET_S} s")
    result("cli start-up (slowest command ÷ python -c pass)", worst / floor, round(TARGET_S / floor, 1))


if __name__ == "__main__":
    main()
