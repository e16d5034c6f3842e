"""Attacker and careless-operator input against a real uvicorn server: every answer a 4xx with a
Chinese/English message (never a 5xx), limits that stop exhaustion, and nothing changed by a refusal."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import PDF_BOMB, serve_app

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings
from knowledge.db.admin import create_token

NOTICE = Path(__file__).parent / "data" / "article_style.txt"
HEADER = "产品编号,产品名称,企业名称,统一社会信用代码,所在地区,领域,年度,认定日期,核心技术水平,明晰自主知识产权,品牌,产品简介,状态,退出日期,退出原因,来源"
Env = tuple[str, Services, dict[str, str]]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    settings = BotSettings(data_dir=tmp_path_factory.mktemp("hard") / "data", embedder="hash",
                           max_body_bytes=64 * 1024, max_upload_bytes=2 * 1024 * 1024, rate_limit_per_minute=0)
    services = build_services(settings)
    tokens = {role: create_token(services.staff.engine, f"测试{role}", role)[1] for role in ("staff", "admin")}
    with serve_app(create_app(services)) as url:
        yield url, services, tokens


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _bilingual(response: httpx.Response) -> str:
    detail = response.json()["detail"]
    assert isinstance(detail, str) and " / " in detail and any("\u4e00" <= c <= "\u9fff" for c in detail), detail
    return detail


def test_out_of_range_numbers_are_422_not_500(env: Env) -> None:
    url, _, tokens = env
    r = httpx.get(f"{url}/v1/catalog/search", params={"offset": 9223372036854775808})
    assert r.status_code == 422 and "offset" in _bilingual(r)
    r = httpx.delete(f"{url}/v1/admin/tokens/99999999999999999999", headers=_auth(tokens["admin"]))
    assert r.status_code == 422 and "token_id" in _bilingual(r)


def test_like_wildcards_match_themselves(env: Env) -> None:
    url, _, _ = env
    assert httpx.get(f"{url}/v1/catalog/search", params={"region": "%"}).json()["total"] == 0
    assert httpx.get(f"{url}/v1/catalog/search", params={"region": "_"}).json()["total"] == 0
    assert httpx.get(f"{url}/v1/catalog/search", params={"region": "杭州"}).json()["total"] > 0


def test_framework_errors_are_bilingual_and_name_the_field(env: Env) -> None:
    url, _, tokens = env
    r = httpx.post(f"{url}/v1/ask", json={"question": "文号是什么", "as_of": "9999-99-99"})
    assert r.status_code == 422 and "as_of" in _bilingual(r)
    bad_utf8 = httpx.post(f"{url}/v1/ask", content=b'{"question": "\xff\xfe"}',
                          headers={"content-type": "application/json"})
    assert bad_utf8.status_code == 422 and "JSON" in _bilingual(bad_utf8)
    deep = httpx.post(f"{url}/v1/ask", content=b'{"question": "x", "profile": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                      headers={"content-type": "application/json"})
    assert deep.status_code == 422, deep.text
    _bilingual(deep)
    assert httpx.get(f"{url}/v1/nothing-here").status_code == 404
    _bilingual(httpx.get(f"{url}/v1/nothing-here"))
    trace = httpx.request("TRACE", f"{url}/v1/admin/versions", headers=_auth(tokens["admin"]))
    assert trace.status_code == 405
    assert httpx.request("TRACE", f"{url}/v1/admin/versions").status_code == 405


def test_session_ids_and_bodies_are_bounded(env: Env) -> None:
    url, _, _ = env
    r = httpx.post(f"{url}/v1/ask", json={"question": "文号是什么", "session_id": "s" * 129})
    assert r.status_code == 422 and "session_id" in _bilingual(r)
    r = httpx.post(f"{url}/v1/ask", json={"question": "文号是什么", "session_id": "含空格 的id"})
    assert r.status_code == 422
    assert httpx.post(f"{url}/v1/ask", json={"question": "文号是什么", "session_id": "user-42:web"}).status_code == 200
    big = httpx.post(f"{url}/v1/ask", json={"question": "文号是什么", "padding": "x" * 200_000})
    assert big.status_code == 413 and "64 KB" in _bilingual(big)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"question": "x", "padding": "'
        for _ in range(100):
            yield b"y" * 4096
        yield b'"}'

    streamed = httpx.post(f"{url}/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_uploads_over_the_limit_say_the_configured_limit(env: Env) -> None:
    url, services, tokens = env
    version = services.staff.current_version()

    def multipart(blocks: int) -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
        for _ in range(blocks):
            yield "一、总则\n".encode() * 4096
        yield b"\r\n--xx--\r\n"

    headers = {**_auth(tokens["admin"]), "content-type": "multipart/form-data; boundary=xx"}
    for blocks in (50, 200):  # 2.5 MB: read, then refused by the file check; 10 MB: cut off while streaming
        r = httpx.post(f"{url}/v1/admin/documents", headers=headers, content=multipart(blocks), timeout=60)
        assert r.status_code in (413, 422) and "2 MB" in _bilingual(r) and "20" not in r.json()["detail"], r.text
    assert services.staff.current_version() == version


def test_a_pdf_bomb_is_refused_at_once_and_changes_nothing(env: Env) -> None:
    url, services, tokens = env
    version = services.staff.current_version()
    r = httpx.post(f"{url}/v1/admin/documents", headers=_auth(tokens["admin"]),
                   files={"file": ("notice.pdf", PDF_BOMB)}, data={"dry_run": "true"}, timeout=30)
    assert r.status_code == 422 and "PDF" in _bilingual(r)
    assert r.elapsed.total_seconds() < 5
    assert services.staff.current_version() == version


@pytest.mark.parametrize("doc_id", ["a/b", "../../etc", "x\x00y", "d" * 5000, ".hidden", "有 空格"])
def test_unsafe_document_ids_are_refused(env: Env, doc_id: str) -> None:
    url, services, tokens = env
    version = services.staff.current_version()
    r = httpx.post(f"{url}/v1/admin/documents", headers=_auth(tokens["admin"]),
                   files={"file": ("notice.txt", NOTICE.read_bytes())}, data={"doc_id": doc_id}, timeout=60)
    assert r.status_code == 422 and "doc_id" in _bilingual(r)
    assert services.staff.current_version() == version


def _catalog(rows: int, prefix: str) -> bytes:
    lines = [HEADER] + [f"{prefix}{i:05d},测试{i}号电机,宁波虚构电机有限公司（测试虚构）,,宁波市,高端装备,2026,2026-10-01,"
                        f"国内领先,是,虚构,测试用虚构产品（测试数据）,有效,,,测试数据（虚构）" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_concurrent_imports_of_one_file_never_500(env: Env) -> None:
    url, _, tokens = env
    body, statuses = _catalog(40, "CC20260"), []

    def send() -> None:
        r = httpx.post(f"{url}/v1/admin/catalog/import", headers=_auth(tokens["staff"]),
                       files={"file": ("same.csv", body)}, timeout=120)
        statuses.append(r.status_code)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses)[0] == 200 and all(s in (200, 409) for s in statuses), statuses
    found = httpx.get(f"{url}/v1/catalog/search", params={"q": "测试7号电机"}).json()
    assert found["items"][0]["product_id"] == "CC2026000007"


def test_staff_may_dry_run_a_replace(env: Env) -> None:
    url, _, tokens = env
    before = httpx.get(f"{url}/healthz").json()["catalog_products"]
    r = httpx.post(f"{url}/v1/admin/catalog/import", headers=_auth(tokens["staff"]),
                   files={"file": ("only.csv", _catalog(2, "DR20260"))}, data={"dry_run": "true", "replace": "true"})
    assert r.status_code == 200 and len(r.json()["removed"]) > 0
    assert httpx.get(f"{url}/healthz").json()["catalog_products"] == before
    r = httpx.post(f"{url}/v1/admin/catalog/import", headers=_auth(tokens["staff"]),
                   files={"file": ("only.csv", _catalog(2, "DR20260"))}, data={"replace": "true"})
    assert r.status_code == 403


def test_the_page_forbids_framing_and_foreign_scripts(env: Env) -> None:
    url, _, _ = env
    page = httpx.get(f"{url}/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    assert httpx.get(f"{url}/healthz").headers["x-content-type-options"] == "nosniff"


def test_a_client_over_its_rate_gets_429_and_others_do_not(env: Env) -> None:
    _, services, _ = env
    limited = services.settings.model_copy(update={"rate_limit_per_minute": 6})
    app = create_app(Services(limited, services.assistant, services.staff))
    with serve_app(app) as url:
        statuses = [httpx.post(f"{url}/v1/ask", json={"question": "文号是什么"}).status_code for _ in range(6)]
        assert statuses == [200] * 6
        over = httpx.post(f"{url}/v1/ask", json={"question": "文号是什么"})
        assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
        _bilingual(over)
        assert httpx.get(f"{url}/healthz").status_code == 200  # health and the page are never limited
        assert httpx.get(f"{url}/").status_code == 200


def test_a_long_question_costs_more_of_the_budget(env: Env) -> None:
    _, services, _ = env
    limited = services.settings.model_copy(update={"rate_limit_per_minute": 20})
    app = create_app(Services(limited, services.assistant, services.staff))
    long_question: dict[str, Any] = {"question": "我们企业的产品能不能申请列入目录？" * 110}
    with serve_app(app) as url:
        statuses = [httpx.post(f"{url}/v1/ask", json=long_question, timeout=60).status_code for _ in range(4)]
    assert statuses[0] == 200 and 429 in statuses, statuses
