import pytest

from orderhub.errors import IllegalTransition, RecordError
from orderhub.lifecycle import TERMINAL, TRANSITIONS, OrderStatus, can_move, check_move


def test_happy_path_is_allowed():
    path = ["received", "validated", "reserved", "ready_to_ship", "shipped", "delivered"]
    for a, b in zip(path, path[1:]):
        check_move(a, b)


def test_illegal_transition_names_both_states():
    with pytest.raises(IllegalTransition) as exc:
        check_move("delivered", "received", order_id="ord_x")
    assert "delivered" in str(exc.value) and "received" in str(exc.value)
    assert isinstance(exc.value, RecordError)
    assert exc.value.context == {"order_id": "ord_x", "from_status": "delivered", "to_status": "received"}


def test_every_state_is_in_the_table_and_terminal_states_go_nowhere():
    assert set(TRANSITIONS) == set(OrderStatus)
    assert TERMINAL == {OrderStatus.CANCELLED, OrderStatus.RETURNED}
    assert not can_move("cancelled", "received")


def test_held_orders_go_back_where_they_were_or_are_cancelled():
    for s in ("received", "validated", "reserved", "ready_to_ship", "cancelled"):
        assert can_move("on_hold", s)
    assert not can_move("on_hold", "shipped")
