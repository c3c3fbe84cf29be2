import pickle

from orderhub.errors import (
    CapabilityNotSupported,
    ConfigError,
    IllegalTransition,
    RecordError,
    SystemError_,
    TransientError,
    family_of,
)


def test_families():
    assert ConfigError("x").family == "config"
    assert TransientError("x").family == "transient"
    assert IllegalTransition("x").family == "record"
    assert CapabilityNotSupported("x").family == "config"
    assert SystemError_("x").family == "system"
    assert family_of(ValueError("bug")) == "system"


def test_errors_keep_code_context_and_extras_through_pickling():
    err = TransientError("slow down", retry_after=2.5, store="s1", code="rate_limited")
    back = pickle.loads(pickle.dumps(err))
    assert (back.code, back.retry_after, back.context, str(back)) == ("rate_limited", 2.5, {"store": "s1"}, "slow down")
    rec = pickle.loads(pickle.dumps(RecordError("bad", field="currency")))
    assert rec.as_dict() == {"code": "record", "message": "bad", "family": "record", "field": "currency"}
