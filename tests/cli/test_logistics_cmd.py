"""``orderhub carriers``: list the carrier accounts, pause one during an outage (select_carrier
skips it, fulfil falls back), resume it; an unknown name is refused naming the known ones."""

import json


def test_pause_and_resume_a_carrier(tmp_path, orderhub):
    (tmp_path / "rates.csv").write_text("service,zone,max_weight_g,price,currency,transit_days\n"
                                        "std,1,5000,4.10,USD,2\n")
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/hub.db"\n'
                   f'[carriers.local]\nconnector = "table"\nrates = "{tmp_path}/rates.csv"\n'
                   f'zones = {{ US = "1" }}\n'
                   f'[stores.shop]\nconnector = "files"\npath = "{tmp_path}"\n')
    listed = json.loads(orderhub("carriers", "list", "--json", "-c", str(cfg)).stdout)
    assert [(c["carrier"], c["paused"], c["circuit"]) for c in listed] == [("local", False, "closed")]
    out = orderhub("carriers", "pause", "local", "--reason", "depot flooded", "--operator", "ana", "-c", str(cfg))
    assert out.returncode == 0 and "paused carrier local" in out.stdout
    (row,) = json.loads(orderhub("carriers", "list", "--json", "-c", str(cfg)).stdout)
    assert (row["paused"], row["paused_reason"]) == (True, "depot flooded")
    assert orderhub("carriers", "resume", "local", "-c", str(cfg)).returncode == 0
    (row,) = json.loads(orderhub("carriers", "list", "--json", "-c", str(cfg)).stdout)
    assert row["paused"] is False and row["paused_reason"] is None
    unknown = orderhub("carriers", "pause", "nope", "-c", str(cfg))
    assert unknown.returncode == 2 and "no carrier 'nope'" in unknown.stderr and "local" in unknown.stderr
