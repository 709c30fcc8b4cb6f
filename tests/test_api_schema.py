"""API: requests generated from the published OpenAPI spec never cause a server error."""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, settings

from helpers.store import AUTH, TOKEN, client_class, load_record, no_nlp

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    client_class()
    import schemathesis  # noqa: E402
    from schemathesis.checks import not_a_server_error  # noqa: E402


def test_api_no_server_error(store) -> None:
    from hypothesis import given

    from tidings.api import create_app

    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(load_record(name))
    app = create_app(store=store, token=TOKEN, analyzer=no_nlp, max_body_bytes=64 * 1024)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Every operation of the published spec, driven by Hypothesis directly (schemathesis'
    # pytest plugin does not follow pytest's newest releases).
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=AUTH, checks=[not_a_server_error])

        check()
