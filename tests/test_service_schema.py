"""schemathesis against the live OpenAPI of gridrules serve on 127.0.0.1: every operation
(each rubric's score, results and combine, the rubrics, their schemas, health) called with
requests generated from the schema served, valid ones and not; no answer is a 500, every
answer matches what the schema says of its status, content type, headers and body, and a
request the schema refuses is refused.

Bounded: a few examples per operation (``SCHEMATHESIS_EXAMPLES``, 6 by default), valid and
invalid requests alike, no deadline; the requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from servers import serving

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi", reason="the serve extra is not installed")

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))

# Every check but one: a request the schema allows may still be refused with 422, for what a
# schema cannot say (a period the calendar does not know, a JSON number with more decimal places
# than are kept exact, a list of counts for another number of months). The refusal is itself
# checked against the schema (a 422 with its problems), and the evidence's schema and the
# library agree on everything else (tests/test_schema_agreement.py).
positive_data_acceptance = schemathesis.checks.positive_data_acceptance


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    # a short time limit, so that a generated request that would take long is answered 503,
    # which the schema documents, rather than holding the run
    with serving(time_limit=5) as base:
        yield base


def test_the_api_answers_as_its_openapi_says(url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert "POST /rubrics/wanggezhang-member/score" in labels
    assert "POST /rubrics/liujiaoting/combine" in labels
    failures = []
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def check(case: Any) -> None:
                case.call_and_validate(excluded_checks=[positive_data_acceptance])

            started = time.perf_counter()
            try:
                check()
            except Unsatisfiable:
                continue  # nothing to send wrong: an operation with neither body nor parameters
            except Exception as error:  # every operation is tried; all failures are listed
                failures.append(f"{operation.label} ({mode.value}): {error}")
            finally:
                print(f"{operation.label} ({mode.value}): {time.perf_counter() - started:.2f} s")
    assert not failures, "\n\n".join(failures)
