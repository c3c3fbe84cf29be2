"""What a piece of feedback is about, how the customer feels, and in which language.

Two tiers, as ops teams can follow them:

* **rules**: phrase lists per category in English and Chinese (``RULES``); a phrase found is
  evidence for its category;
* **a trained model**: TF-IDF over character n-grams (1–4, so Chinese needs no word segmentation)
  and logistic regression (scikit-learn), trained when first used from ``data/labelled.csv``,
  which ships with orderhub, plus the labels ops added (``orderhub feedback train FILE``).

The category is the model's most probable one, with each rule phrase found adding to its
category's weight; it is "rules" when the rules decided it (no model, or they overruled it). A
text with nothing to go on is ``other``. Sentiment in [−1, 1]: VADER's compound score for English
and snownlp's for Chinese (rescaled from [0, 1]), both with their lexicons and models inside their
PyPI packages; a rating counts for 40 % beside text, and alone when there is no text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from orderhub.extend import FEEDBACK_CATEGORIES

DATA = Path(__file__).parent / "data" / "labelled.csv"
#: How much one rule phrase found weighs against the model's probability (two count at most).
RULE_WEIGHT = 0.3

RULES: dict[str, tuple[str, ...]] = {
    "delivery_late": (
        "late", "delayed", "delay", "still waiting", "taking forever", "slow delivery", "slow shipping",
        "not arrived yet", "hasn't arrived yet", "weeks to arrive", "past the delivery date", "overdue",
        "took too long", "behind schedule",
        "迟到", "延迟", "太慢", "还没到", "迟迟", "物流慢", "发货慢", "超时", "等了很久", "晚到", "慢得",
    ),
    "not_received": (
        "never arrived", "never received", "not received", "didn't receive", "did not receive", "haven't received",
        "never got", "lost in transit", "lost package", "marked as delivered", "says delivered", "package is lost",
        "where is my package", "never showed up",
        "没收到", "未收到", "没有收到", "丢件", "丢了", "显示签收", "显示已签收", "没拿到", "包裹丢",
    ),
    "damaged": (
        "damaged", "broken", "cracked", "smashed", "dented", "crushed", "shattered", "torn", "leaking", "leaked",
        "scratched",
        "破损", "坏了", "碎了", "摔坏", "压坏", "裂了", "裂开", "漏了", "变形", "划痕",
    ),
    "wrong_item": (
        "wrong item", "wrong size", "wrong color", "wrong colour", "wrong product", "wrong model",
        "not what i ordered", "sent the wrong", "received the wrong", "incorrect item", "different item",
        "发错", "不是我买的", "颜色不对", "尺码不对", "型号不对", "货不对板", "发成了", "和图片不一样",
    ),
    "missing_item": (
        "missing item", "item missing", "items missing", "missing from", "only received", "only got",
        "incomplete", "left out", "missing part", "missing pieces", "wasn't in the box", "not in the box",
        "少了", "少发", "漏发", "缺少", "缺件", "不全", "只收到", "少一",
    ),
    "quality": (
        "poor quality", "bad quality", "low quality", "cheap", "stopped working", "doesn't work", "does not work",
        "defective", "faulty", "fell apart", "flimsy", "broke after",
        "质量差", "质量不好", "质量太差", "做工", "劣质", "不能用", "用了几天", "起球", "掉色", "失灵",
    ),
    "service": (
        "customer service", "no response", "rude", "nobody answered", "no one replied", "unhelpful",
        "support team", "ignored my", "no reply", "never replied",
        "客服", "态度差", "态度不好", "不理人", "没人回复", "不回复", "服务差", "服务态度",
    ),
    "payment_refund": (
        "refund", "charged twice", "double charged", "overcharged", "money back", "charged me", "payment",
        "reimburse",
        "退款", "扣款", "多扣", "退钱", "付款", "重复扣费", "扣了两次", "没退",
    ),
    "praise": (
        "love it", "love this", "great", "excellent", "perfect", "thank you", "amazing", "highly recommend",
        "very happy", "awesome", "fantastic", "well packed",
        "很好", "非常好", "满意", "喜欢", "好评", "推荐", "谢谢", "给力", "超赞", "太棒",
    ),
}
assert set(RULES) <= set(FEEDBACK_CATEGORIES)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Classification:
    category: str
    sentiment: float | None
    language: str | None
    by: str  # rules or model
    confidence: float


def language(text: str | None) -> str | None:
    """``zh`` when at least a fifth of the letters are Chinese characters, else ``en`` (the two
    languages this tier knows; anything else is read as English)."""
    if not text:
        return None
    letters = _LETTER.findall(text)
    if not letters:
        return None
    return "zh" if len(_CJK.findall(text)) * 5 >= len(letters) else "en"


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str | None, lang: str | None, rating: int | None = None) -> float | None:
    """In [−1, 1]: the text's (VADER or snownlp), the rating's ((rating − 3) ÷ 2), or 60/40 of both."""
    from_text = None
    if text and lang == "zh":
        from snownlp import SnowNLP

        from_text = 2 * SnowNLP(text).sentiments - 1
    elif text and lang:
        from_text = _vader().polarity_scores(text)["compound"]
    from_rating = (rating - 3) / 2 if rating else None
    if from_text is None:
        return from_rating
    value = from_text if from_rating is None else 0.6 * from_text + 0.4 * from_rating
    return round(max(-1.0, min(1.0, value)), 4)


def rule_hits(text: str) -> dict[str, int]:
    """Per category, how many of its phrases the text holds (case-insensitive)."""
    low = text.lower()
    hits = {}
    for category, phrases in RULES.items():
        n = sum(1 for p in phrases if p in low)
        if n:
            hits[category] = n
    return hits


class Model:
    """The trained tier: a scikit-learn pipeline over character n-grams."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        texts, cats = [], []
        for text, category in rows:
            if text and category in FEEDBACK_CATEGORIES:
                texts.append(text)
                cats.append(category)
        if len(set(cats)) < 2:
            raise ValueError("a model needs labelled texts of at least two categories")
        self.size = len(texts)
        self.pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=1),
            LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced", solver="saga"))
        self.pipeline.fit(texts, cats)
        self.classes = list(self.pipeline.classes_)

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        return [{str(c): float(p) for c, p in zip(self.classes, row)} for row in self.pipeline.predict_proba(texts)]


def shipped_labels(path: Path = DATA) -> list[tuple[str, str]]:
    """The labelled set that ships with orderhub: ``text,category`` rows."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["text"], r["category"]) for r in csv.DictReader(fh)]


class Classifier:
    """Both tiers; ``model`` None runs on the rules alone."""

    def __init__(self, model: Model | None) -> None:
        self.model = model

    @classmethod
    def trained(cls, extra: Iterable[tuple[str, str]] = ()) -> Classifier:
        return cls(Model([*shipped_labels(), *extra]))

    def classify(self, items: list[tuple[str | None, int | None]]) -> list[Classification]:
        """Each (text, rating) classified; texts go through the model together."""
        texts = [t or "" for t, _ in items]
        probs = self.model.probabilities(texts) if self.model and any(texts) else [{} for _ in texts]
        out = []
        for (text, rating), p in zip(items, probs):
            lang = language(text)
            feel = sentiment(text, lang, rating)
            out.append(self._decide(text or "", p if text else {}, feel, lang))
        return out

    def _decide(self, text: str, probs: dict[str, float], feel: float | None, lang: str | None) -> Classification:
        hits = rule_hits(text) if text else {}
        if not text:
            category = "praise" if feel is not None and feel >= 0.5 else "other"
            return Classification(category, feel, lang, "rules", 1.0 if feel is not None else 0.0)
        weights = dict(probs)
        for category, n in hits.items():
            weights[category] = weights.get(category, 0.0) + RULE_WEIGHT * min(n, 2)
        if feel is not None and feel < -0.3:
            weights.pop("praise", None)  # an unhappy text is not praise, whatever words it uses
        if not weights or max(weights.values()) < 0.2:
            return Classification("other", feel, lang, "rules", 0.0)
        category = str(max(weights, key=lambda c: weights[c]))
        model_choice = max(probs, key=lambda c: probs[c]) if probs else None
        by = "model" if category == model_choice else "rules"
        return Classification(category, feel, lang, by, round(float(probs.get(category, 0.0)), 4))
