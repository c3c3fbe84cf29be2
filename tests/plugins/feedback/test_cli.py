"""``orderhub feedback`` (issue #18): a labelled CSV imported, then ``list --json`` — each item with
its id, category, sentiment, priority and score, the urgent first — and most items classified
right in both languages; the moves and ``train`` from the command line."""

import csv
import json
from pathlib import Path

HELD_OUT = Path(__file__).parents[3] / "bench" / "data" / "feedback_eval.csv"


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/hub.db"\n[stores.shop]\nconnector = "files"\n'
                   f'path = "{tmp_path}"\n')
    return cfg


def test_a_labelled_csv_imported_is_listed_urgent_first_and_mostly_right(tmp_path, orderhub):
    cfg = _config(tmp_path)
    with HELD_OUT.open(encoding="utf-8", newline="") as fh:
        labelled = list(csv.DictReader(fh))[:120]
    path = tmp_path / "desk.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "order_ref", "channel", "kind", "rating", "text", "created_at"])
        w.writeheader()
        for i, r in enumerate(labelled):
            w.writerow({"id": f"D{i}", "order_ref": "", "channel": "helpdesk", "kind": r["kind"],
                        "rating": r["rating"], "text": r["text"], "created_at": "2026-12-01T10:00:00Z"})
        w.writerow({"id": "URGENT", "kind": "complaint", "rating": "1", "created_at": "2026-12-01T10:00:00Z",
                    "text": "Third time I write: the heater caught fire. My lawyer will be in touch."})
    out = orderhub("feedback", "import", str(path), "-c", str(cfg))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("121 new, 0 already imported, 0 quarantined")
    assert orderhub("feedback", "import", str(path), "-c", str(cfg)).stdout.startswith("0 new, 121 already")
    listed = json.loads(orderhub("feedback", "list", "--limit", "1000", "--json", "-c", str(cfg)).stdout)
    assert len(listed) == 121 and listed[0]["external_id"] == "URGENT" and listed[0]["priority"] == "urgent"
    for item in listed:
        assert {"id", "external_id", "category", "sentiment", "priority", "score", "language"} <= set(item)
    truth = {f"D{i}": r["category"] for i, r in enumerate(labelled)}
    right = {"en": [0, 0], "zh": [0, 0]}
    for item in listed:
        if item["external_id"] in truth:
            lang = labelled[int(item["external_id"][1:])]["language"]
            right[lang][0] += item["category"] == truth[item["external_id"]]
            right[lang][1] += 1
    # texts the model never saw (bench/feedback.py has the full figures): better than chance (10 %)
    # by far in each language
    for lang, (ok, n) in right.items():
        assert n > 30 and ok / n > 0.35, (lang, ok, n)
    ranks = ["urgent", "high", "normal", "low"]
    assert [ranks.index(i["priority"]) for i in listed] == sorted(ranks.index(i["priority"]) for i in listed)


def test_moves_show_and_train_from_the_command_line(tmp_path, orderhub):
    cfg = _config(tmp_path)
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"id": "J1", "kind": "complaint", "rating": 2, "created_at": "2026-12-01",
                                 "text": "Customer service never answers my emails."}]), encoding="utf-8")
    assert orderhub("feedback", "import", str(path), "-c", str(cfg)).returncode == 0
    (item,) = json.loads(orderhub("feedback", "list", "--json", "-c", str(cfg)).stdout)
    n = str(item["id"])
    assert orderhub("feedback", "assign", n, "--operator", "ana", "-c", str(cfg)).stdout.strip() == f"item {n}: assigned"
    refused = orderhub("feedback", "respond", n, "--operator", "ana", "--text", " ", "-c", str(cfg))
    assert refused.returncode == 1 and "respond needs the reply" in refused.stderr
    assert orderhub("feedback", "respond", n, "--operator", "ana", "--text", "Sorry! Fixed.", "-c",
                    str(cfg)).returncode == 0
    shown = json.loads(orderhub("feedback", "show", n, "--json", "-c", str(cfg)).stdout)
    assert shown["reply"] == "Sorry! Fixed." and [m["to_status"] for m in shown["moves"]] == ["new", "assigned",
                                                                                              "responded"]
    assert orderhub("feedback", "show", "999", "-c", str(cfg)).returncode == 1
    bad = orderhub("feedback", "list", "--priority", "asap", "-c", str(cfg))
    assert bad.returncode == 2 and "urgent, high, normal, low" in bad.stderr
    labels = tmp_path / "labels.csv"
    labels.write_text("text,category\nThe strap snapped,quality\n表带断了,quality\n", encoding="utf-8")
    trained = orderhub("feedback", "train", str(labels), "--operator", "ana", "-c", str(cfg))
    assert trained.returncode == 0 and trained.stdout.startswith("2 labels added; the classifier is trained on 1082")
    labels.write_text("text,category\nx,sarcasm\n", encoding="utf-8")
    wrong = orderhub("feedback", "train", str(labels), "--operator", "ana", "-c", str(cfg))
    assert wrong.returncode == 2 and "unknown category 'sarcasm'" in wrong.stderr
