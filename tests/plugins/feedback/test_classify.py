"""Classification (issue #18): the category in English and Chinese, the sentiment in [−1, 1], the
language; rules and the model, and what each decides."""

import pytest

from orderhub_plugins.feedback.classify import Classifier, language, rule_hits, sentiment, shipped_labels


@pytest.fixture(scope="module")
def classifier():
    return Classifier.trained()


def test_language_is_read_from_the_script():
    assert language("The parcel never came") == "en"
    assert language("包裹一直没到") == "zh"
    assert language("订单 #12345 没收到 thanks") == "zh"  # mostly Chinese characters
    assert language("12345 !!!") is None and language(None) is None


def test_sentiment_uses_each_languages_own_model_and_the_rating():
    assert sentiment("I love it, excellent quality", "en") > 0.5
    assert sentiment("Terrible, it broke and I am furious", "en") < -0.5
    assert sentiment("质量很好，非常满意", "zh") > 0.3
    assert sentiment("质量太差了，非常失望", "zh") < -0.3
    assert sentiment(None, None, rating=1) == -1.0 and sentiment(None, None, rating=5) == 1.0
    both = sentiment("Terrible, it broke and I am furious", "en", rating=5)
    assert -1 <= both <= 1 and both > sentiment("Terrible, it broke and I am furious", "en")


@pytest.mark.parametrize(("text", "category"), [
    ("My parcel never arrived, tracking says delivered.", "not_received"),
    ("显示已签收，但我根本没收到。", "not_received"),
    ("The vase arrived smashed into pieces.", "damaged"),
    ("杯子碎了，箱子也压坏了。", "damaged"),
    ("You sent me the wrong size again.", "wrong_item"),
    ("尺码发错了，我要的是M码。", "wrong_item"),
    ("I was charged twice and still have no refund.", "payment_refund"),
    ("退款一直没到账。", "payment_refund"),
    ("Fantastic shop, highly recommend, thank you!", "praise"),
    ("非常满意，强烈推荐！", "praise"),
])
def test_clear_texts_get_their_category_in_both_languages(classifier, text, category):
    (found,) = classifier.classify([(text, None)])
    assert found.category == category, found


def test_an_unhappy_text_is_never_praise_whatever_its_words():
    rules = Classifier(None)
    happy = rules._decide("great, thank you", {"praise": 0.7, "service": 0.3}, 0.6, "en")
    unhappy = rules._decide("great, thank you", {"praise": 0.7, "service": 0.3}, -0.6, "en")
    assert (happy.category, unhappy.category) == ("praise", "service")


def test_a_rating_without_text_is_praise_or_other():
    rules = Classifier(None)
    five, one = rules.classify([(None, 5), (None, 1)])
    assert (five.category, five.sentiment, one.category, one.sentiment) == ("praise", 1.0, "other", -1.0)


def test_rules_alone_decide_when_there_is_no_model():
    (found,) = Classifier(None).classify([("The box was crushed and the lamp is broken", 2)])
    assert (found.category, found.by) == ("damaged", "rules")
    assert rule_hits("退款 refund 退钱") == {"payment_refund": 3}


def test_the_shipped_set_covers_every_category_in_both_languages():
    from orderhub.extend import FEEDBACK_CATEGORIES
    from orderhub_plugins.feedback.classify import language as lang

    rows = shipped_labels()
    seen = {(c, lang(t)) for t, c in rows}
    assert seen == {(c, x) for c in FEEDBACK_CATEGORIES for x in ("en", "zh")}
    assert len(rows) >= 400
