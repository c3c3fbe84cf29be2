import orjson
import pytest

from orderhub.errors import ConfigError
from orderhub.models import Order
from orderhub.chain.steps import StepContext
from orderhub_plugins.hold_rules.step import HoldRules

from ...conftest import FIXTURE


def order(**over):
    return Order.model_validate({**orjson.loads(FIXTURE.read_bytes()), "store": "s", "channel": "files", **over})


async def codes(options, o):
    step = HoldRules.build("s", options, key="stores.s.chain[0]")
    result = await step.run(o, StepContext(store="s", store_config=None, conn=None, step_name="hold_rules"))
    return [r.code for r in result.reasons]


async def test_each_rule_is_a_reason_with_a_stable_code():
    o = order(tags=["vip"])
    assert await codes({"max_total": "50", "countries": ["fr"], "review_tags": ["vip"]}, o) == [
        "total_above_limit", "country_not_allowed", "tag_requires_review"]
    assert await codes({"max_total": "100", "countries": ["de"], "review_tags": ["b2b"]}, o) == []
    assert await codes({}, o) == []


def test_bad_options_name_the_key():
    with pytest.raises(ConfigError, match=r"stores.s.chain\[0\].max_total"):
        HoldRules.build("s", {"max_total": "lots"}, key="stores.s.chain[0]")
    with pytest.raises(ConfigError, match=r"stores.s.chain\[0\].surprise"):
        HoldRules.build("s", {"surprise": 1}, key="stores.s.chain[0]")
