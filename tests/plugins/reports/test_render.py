"""Every report renders as a table, JSON, CSV, a PNG, an SVG and in the HTML page (issue #17);
each PNG is opened and checked to be a real image of the expected size with something drawn on
it, each SVG parsed, and the HTML page holds every table and its chart inline."""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib import image

from tests.plugins.reports.test_sales import generate

REPORTS = ("sales", "process", "operators", "carriers", "stock")


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    from tests.conftest import run_cli

    tmp = tmp_path_factory.mktemp("render")
    inbox = tmp / "inbox"
    inbox.mkdir()
    (inbox / "orders.json").write_text(json.dumps(generate(120)))
    cfg = tmp / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp}/hub.db"\n[stores.shop]\nconnector = "files"\n'
                   f'path = "{inbox}"\nchain = ["validate"]\n[plugins.reports]\nship_within = "24h"\n')
    out = run_cli("sync", "--once", "-c", str(cfg))
    assert out.returncode == 0, out.stderr
    return tmp, cfg


def _non_blank_png(path, width=800, height=450) -> None:
    pixels = image.imread(str(path))
    assert pixels.shape[:2] == (height, width), pixels.shape
    flat = pixels.reshape(-1, pixels.shape[2])
    assert len(np.unique(flat.round(3), axis=0)) > 8  # axes, text and data: not one flat colour
    assert (flat[:, :3] < 0.5).mean() > 0.002  # dark ink: labels and lines were drawn


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_each_report_renders_in_every_format(name, synced, orderhub):
    tmp, cfg = synced
    base = ["report", name, "--from", "2026-10-25", "--to", "2026-11-10", "-c", str(cfg)]
    png, svg, html = tmp / f"{name}.png", tmp / f"{name}.svg", tmp / f"{name}.html"
    out = orderhub(*base, "--json", "--chart", str(svg))
    assert out.returncode == 0, out.stderr
    as_json = json.loads(out.stdout)
    assert as_json["report"] == name and isinstance(as_json["rows"], list)
    assert as_json["params"] == {"from": "2026-10-25", "to": "2026-11-10", "by": "day", "tz": "UTC",
                                 "store": None, "channel": None}
    assert ET.parse(svg).getroot().tag.endswith("svg")
    csv_out = orderhub(*base, "--csv", "--chart", str(png), "--html", str(html))
    assert csv_out.returncode == 0, csv_out.stderr
    assert len(csv_out.stdout.splitlines()) == len(as_json["rows"]) + 1
    _non_blank_png(png)
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page
    assert page.count("<h3>") == len([k for k in as_json if k not in ("report", "params", "notes")])


@pytest.mark.slow
def test_a_terminal_gets_every_table_and_wrong_arguments_are_refused_naming_the_option(synced, orderhub):
    _, cfg = synced
    shown = orderhub("report", "process", "--from", "2026-10-25", "--to", "2026-11-10", "-c", str(cfg),
                     env={"COLUMNS": "250", "FORCE_COLOR": "1"})
    assert shown.returncode == 0, shown.stderr
    for title in ("Throughput per period", "Chain steps", "First-pass yield", "Backlog now"):
        assert title in shown.stdout, shown.stdout[:2000]
    for args, words in ((["report", "nosuch"], "no report named 'nosuch'"),
                        (["report", "sales", "--by", "year"], "--by must be one of day, week, month"),
                        (["report", "sales", "--tz", "Mars/Olympus"], "--tz: unknown time zone"),
                        (["report", "sales", "--from", "2026-11-10", "--to", "2026-11-01"], "is before --from"),
                        (["report", "sales", "--store", "nope"], "nope"),
                        (["report", "sales", "--chart", "x.gif"], "--chart must end in .png or .svg")):
        out = orderhub(*args, "-c", str(cfg))
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert words in out.stderr, (args, out.stderr)


def test_chinese_text_renders_with_a_cjk_font_installed(tmp_path):
    """Store names, SKU titles and regions in Chinese (or Japanese, Korean) draw as glyphs, not
    boxes: a CJK font installed after matplotlib cached its font list is found (`./dev test`
    installs Debian's fonts-wqy-microhei; under CI a missing font fails the run)."""
    import os
    import warnings
    from datetime import date

    from orderhub_plugins.reports import charts
    from orderhub_plugins.reports.model import Chart, Params, Report, Table

    plt = charts._pyplot()
    if not set(plt.rcParams["font.family"]) & set(charts.FONTS[1:]):
        if os.environ.get("CI"):
            pytest.fail("no CJK font installed (Debian: fonts-wqy-microhei), required under CI")
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei)")
    rows = [{"store": "上海旗舰店", "orders": 12}, {"store": "北京店", "orders": 7}]
    report = Report("stores", "门店", Params(date(2026, 11, 1), date(2026, 11, 1), "day", "UTC"),
                    [Table("rows", "门店订单", ["store", "orders"], rows)],
                    Chart("bars", "rows", "store", "orders", "各门店订单数", "订单"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for a box
        charts.save(report, tmp_path / "cjk.png")
    _non_blank_png(tmp_path / "cjk.png")
