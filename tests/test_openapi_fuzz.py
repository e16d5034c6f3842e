"""schemathesis over the whole OpenAPI document of a real uvicorn server, with a staff and an admin
token: no server errors, no response outside the documented schema, no undocumented status code.

Bounded examples per operation keep it to a few minutes. The server runs on its own data dir
(hash embedder), since admin operations with generated input publish, import and roll back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from conftest import serve_app
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.app import build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings
from knowledge.db.admin import create_token

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
EXAMPLES = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("fuzz") / "data", embedder="hash",
                                          rate_limit_per_minute=0))
    tokens = {role: create_token(services.staff.engine, f"fuzz-{role}", role)[1] for role in ("staff", "admin")}
    with serve_app(create_app(services)) as url:
        yield url, tokens


def _exercise(operation: Any, url: str, token: str, mode: GenerationMode, found: list[str], calls: list[str]) -> None:
    """Run one operation's generated cases, recording each call and the failures (one line each)."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def run(case: schemathesis.Case) -> None:
        calls.append(operation.label)
        try:
            case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS,
                                   timeout=60)
        except Exception as exc:
            found.append(f"{operation.label} [{mode.value}]: {str(exc).strip().splitlines()[:6]}")
            raise

    try:
        run()
    except Exception:  # recorded in found; go on with the next operation
        pass


def _failures(url: str, token: str, mode: GenerationMode) -> list[str]:
    """Every operation with generated cases; the failures."""
    found: list[str] = []
    calls: list[str] = []
    for result in schemathesis.openapi.from_url(f"{url}/openapi.json").get_all_operations():
        _exercise(result.ok(), url, token, mode, found, calls)
    assert len(set(calls)) >= 15, "every operation was exercised"
    return found


@pytest.mark.parametrize("role", ["staff", "admin"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_nothing_undocumented(server: tuple[str, dict[str, str]], role: str,
                                                 mode: GenerationMode) -> None:
    url, tokens = server
    failures = _failures(url, tokens[role], mode)
    assert not failures, "\n".join(dict.fromkeys(failures))
