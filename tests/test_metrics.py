"""``/metrics`` reports every HTTP adapter: carrier accounts beside stores (issue #14: the
collector read the hub's private store table, so carrier figures never reached it)."""

from orderhub.config import parse_config
from orderhub.hub import Hub


def test_carrier_accounts_http_figures_are_exported(tmp_path, monkeypatch):
    monkeypatch.setenv("T_UPS_ID", "id")
    monkeypatch.setenv("T_UPS_SECRET", "secret")
    hub = Hub(parse_config({
        "database": {"url": f"sqlite:///{tmp_path}/hub.db"},
        "stores": {"shop": {"connector": "files", "path": str(tmp_path)}},
        "carriers": {"ups": {"connector": "ups", "base_url": "http://127.0.0.1:9/ups",
                             "credentials": {"client_id": "env:T_UPS_ID", "client_secret": "env:T_UPS_SECRET"}}}}))
    hub.migrate()
    hub.carrier("ups")
    hub.connector("shop")
    text = hub.metrics.render().decode()
    assert 'orderhub_http_requests_total{store="carrier:ups"} 0.0' in text, text[-2000:]
    assert 'orderhub_circuit_state{store="carrier:ups"} 0.0' in text
