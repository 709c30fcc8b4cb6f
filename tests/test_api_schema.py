"""API: requests generated from the published OpenAPI spec never cause a server error."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "store"))
pytest_plugins = ["storekit"]
pytest.register_assert_rewrite("storekit")

from storekit import AUTH, TOKEN, client_class, load_record, no_nlp  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    client_class()
    import schemathesis  # noqa: E402
    from schemathesis.checks import not_a_server_error  # noqa: E402


@pytest.fixture
def api_schema(store):
    from tidings.api import create_app

    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(load_record(name))
    app = create_app(store=store, token=TOKEN, analyzer=no_nlp, max_body_bytes=64 * 1024)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_no_server_error(case):
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error])
