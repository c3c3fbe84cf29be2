"""The feedback classifier on a labelled set it was not trained on (issue #18).

    python bench/feedback.py [--eval bench/data/feedback_eval.csv]

Trains as orderhub does at start (the shipped ``plugins/feedback/data/labelled.csv``), then
classifies every held-out text with its rating, as an import would: macro-F1 and per-category
precision and recall (overall and per language), the same for the rules alone and the model alone,
and items classified per second with the CPU-seconds per 1,000 (sentiment included). The held-out
set (``scripts/feedback_sets.py``) shares no sentence, opener, closer or product with the training
set. The result line's ratio is the macro-F1 (target ≥ 0.8).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import result  # noqa: E402

from orderhub.extend import FEEDBACK_CATEGORIES  # noqa: E402
from orderhub_plugins.feedback.classify import Classifier  # noqa: E402

TARGET = 0.8


def scores(truth: list[str], guess: list[str]) -> tuple[float, dict[str, tuple[float, float, int]]]:
    per = {}
    for c in FEEDBACK_CATEGORIES:
        tp = sum(1 for t, g in zip(truth, guess) if t == g == c)
        fp = sum(1 for t, g in zip(truth, guess) if g == c and t != c)
        fn = sum(1 for t, g in zip(truth, guess) if t == c and g != c)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        per[c] = (p, r, tp + fn)
    f1s = [2 * p * r / (p + r) if p + r else 0.0 for p, r, n in per.values() if n]
    return sum(f1s) / len(f1s), per


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=Path(__file__).parent / "data" / "feedback_eval.csv")
    args = ap.parse_args()
    with args.eval.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    t0 = time.perf_counter()
    classifier = Classifier.trained()
    trained = time.perf_counter() - t0
    items = [(r["text"], int(r["rating"]) if r.get("rating") else None) for r in rows]
    classifier.classify(items[:5])  # load the sentiment models
    w0, c0 = time.perf_counter(), time.process_time()
    found = classifier.classify(items)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    truth = [r["category"] for r in rows]
    macro, per = scores(truth, [f.category for f in found])
    rules = Classifier(None).classify(items)
    rules_macro, _ = scores(truth, [f.category for f in rules])
    model = classifier.model.probabilities([t for t, _ in items])
    model_macro, _ = scores(truth, [max(p, key=lambda c: p[c]) for p in model])
    print(f"{len(rows)} held-out items ({sum(r['language'] == 'zh' for r in rows)} Chinese); trained on "
          f"{classifier.model.size} in {trained:.2f} s")
    print(f"{'category':16}{'precision':>10}{'recall':>8}{'items':>7}")
    for c, (p, r, n) in per.items():
        print(f"{c:16}{p:>10.2f}{r:>8.2f}{n:>7}")
    for lang in ("en", "zh"):
        idx = [i for i, r in enumerate(rows) if r["language"] == lang]
        m, _ = scores([truth[i] for i in idx], [found[i].category for i in idx])
        print(f"macro-F1 {lang}: {m:.3f}")
    print(f"macro-F1: both tiers {macro:.3f}, rules alone {rules_macro:.3f}, model alone {model_macro:.3f}")
    print(f"{len(rows) / wall:,.0f} items/s, {cpu / len(rows) * 1000:.2f} CPU-s per 1,000 items")
    result("feedback_macro_f1", round(macro, 3), TARGET)


if __name__ == "__main__":
    main()
