"""API: requests generated from the published OpenAPI spec never cause a server error,
and every answer conforms to what the spec says of it, in both token modes."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from helpers.store import AUTH, TOKEN, client_class, load_record, no_nlp

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    client_class()
    import schemathesis  # noqa: E402
    from schemathesis.checks import (  # noqa: E402
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

READ_TOKEN = "read-token-0123456789"
READ_AUTH = {"Authorization": f"Bearer {READ_TOKEN}"}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.mark.parametrize("mode", ["write-token", "read-token"])
def test_api_answers_conform_to_the_spec(store: Any, mode: str) -> None:
    """Every operation, a few examples each: no 5xx, and status, type and body as specified.

    With a read token set, reads carry the read token and writes the write token.
    """
    from tidings.api import create_app

    for name in ("visit_a", "visit_b", "unrelated"):
        store.add(load_record(name))
    read_token = READ_TOKEN if mode == "read-token" else None
    app = create_app(store=store, token=TOKEN, read_token=read_token, analyzer=no_nlp,
                     max_body_bytes=64 * 1024)
    # The spec is a read: with a read token, it needs that token too.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=READ_AUTH if read_token else AUTH)
    # Every operation of the published spec, driven by Hypothesis directly (schemathesis'
    # pytest plugin does not follow pytest's newest releases).
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        _run(operation, READ_AUTH if read_token and operation.method.upper() == "GET" else AUTH)


def _run(operation: Any, headers: dict[str, str]) -> None:
    """A few generated requests of one operation, each answer checked."""
    from hypothesis import given

    @given(case=operation.as_strategy())
    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
