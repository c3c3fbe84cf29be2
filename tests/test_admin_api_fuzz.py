"""schemathesis against the admin API's own OpenAPI document: no 5xx for any generated request, and
no /api/v1 operation answers without the token."""

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings

from orderhub.config import parse_config
from orderhub.hub import Hub
from orderhub.web.app import create_app

_dir = tempfile.mkdtemp(prefix="orderhub-fuzz-")
os.environ["ORDERHUB_FUZZ_TOKEN"] = "fuzz-token"
_hub = Hub(parse_config({
    "database": {"url": f"sqlite:///{_dir}/hub.db"},
    "server": {"admin_token": "env:ORDERHUB_FUZZ_TOKEN"},
    "stores": {"shop1": {"connector": "files", "path": _dir}},
}))
_hub.migrate()
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_hub)).include(path_regex="^/api/v1")
AUTH = {"Authorization": "Bearer fuzz-token"}
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_no_request_causes_a_server_error(case):
    response = case.call(headers=AUTH)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"


@schema.parametrize()
@FUZZ
def test_nothing_answers_without_the_token(case):
    declared = case.method.upper() == case.operation.method.upper()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "fuzz-token"}):
        response = case.call(headers=headers)
        allowed = {401} if declared else {401, 405}  # an undeclared method (e.g. TRACE) is simply not there
        assert response.status_code in allowed, f"{case.method} {case.formatted_path} answered {response.status_code}"
