"""The OpenAI-compatible API driven by the official ``openai`` SDK against a real uvicorn server:
completions streamed and not, a follow-up across turns, an out-of-scope question, bad requests as
the SDK's own error types, and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from conftest import serve_app
from openai import OpenAI

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings

pytestmark = pytest.mark.slow  # a uvicorn server
AS_OF = "2026-11-24"
VERDICT_QUESTION = "我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services]]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("openai") / "data", embedder="hash",
                                          rate_limit_per_minute=0))
    with serve_app(create_app(services)) as url:
        yield url, services


@pytest.fixture(scope="module")
def client(deployment: tuple[str, Services]) -> OpenAI:
    return OpenAI(base_url=f"{deployment[0]}/v1", api_key="x", max_retries=0, timeout=60)


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def _jingpin(obj: Any) -> dict[str, Any]:
    extra = obj.model_extra or {}
    assert "jingpin" in extra, "the machine-readable answer rides along"
    data: dict[str, Any] = extra["jingpin"]
    return data


def _ask(url: str, question: str, **extra: Any) -> dict[str, Any]:
    r = httpx.post(f"{url}/v1/ask", json={"question": question, "as_of": AS_OF, **extra}, timeout=60)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_models_lists_jingpin(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["jingpin"]
    assert client.models.retrieve("jingpin").owned_by == "jingpin"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_a_completion_carries_the_answer_its_sources_and_the_machine_readable_fields(
        deployment: tuple[str, Services], client: OpenAI) -> None:
    url, _ = deployment
    done = client.chat.completions.create(model="jingpin", messages=[_user(VERDICT_QUESTION)],  # type: ignore[list-item]
                                          extra_body={"as_of": AS_OF})
    content = done.choices[0].message.content or ""
    extra = _jingpin(done)
    api = _ask(url, VERDICT_QUESTION)
    assert content.startswith(api["answer"].rstrip())
    assert extra["answer"] == api["answer"] and extra["conclusion"] == api["conclusion"]
    assert extra["citations"] == api["citations"] and extra["verdicts"] == api["verdicts"]
    assert extra["verdicts"][0]["status"] == "met" and extra["grounded"] is True and extra["kb_version"] >= 1
    first = extra["citations"][0]
    assert "来源 / Sources:" in content
    assert f"{first['label']} 《{first['doc_title']}》（{first['doc_number']}）" in content
    assert done.choices[0].finish_reason == "stop" and done.model == "jingpin"
    assert done.usage is not None and done.usage.completion_tokens == len(content)

    stream = client.chat.completions.create(model="jingpin", messages=[_user(VERDICT_QUESTION)],  # type: ignore[list-item]
                                            stream=True, extra_body={"as_of": AS_OF})
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    streamed = _jingpin(last)
    assert streamed["citations"] == extra["citations"] and streamed["verdicts"] == extra["verdicts"]
    assert streamed["conclusion"] == extra["conclusion"]


def test_the_stream_ends_with_done_and_can_report_usage(deployment: tuple[str, Services]) -> None:
    url, _ = deployment
    with httpx.stream("POST", f"{url}/v1/chat/completions", timeout=60, json={
            "model": "jingpin", "messages": [_user("文号是什么？")], "stream": True,
            "stream_options": {"include_usage": True}}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "data: [DONE]"
    assert '"usage"' in events[-2] and '"choices": []' in events[-2]


def test_a_follow_up_uses_the_earlier_turn_as_on_v1_ask(deployment: tuple[str, Services], client: OpenAI) -> None:
    url, _ = deployment
    session = uuid.uuid4().hex
    _ask(url, "找银行融资有支持吗？", session_id=session)
    expected = _ask(url, "那展会呢？", session_id=session)

    first = client.chat.completions.create(model="jingpin", messages=[_user("找银行融资有支持吗？")])  # type: ignore[list-item]
    assert _jingpin(first)["citations"][0]["label"] == "三（二）7"
    history = [_user("找银行融资有支持吗？"), {"role": "assistant", "content": first.choices[0].message.content},
               _user("那展会呢？")]
    follow = client.chat.completions.create(model="jingpin", messages=history)  # type: ignore[arg-type]
    extra = _jingpin(follow)
    assert extra["citations"][0]["label"] == "三（二）4"
    assert extra["answer"] == expected["answer"] and extra["citations"] == expected["citations"]

    again = client.chat.completions.create(model="jingpin", messages=history, stream=True)  # type: ignore[arg-type]
    assert _jingpin(list(again)[-1])["citations"] == extra["citations"], "a regenerated turn is the same turn"


def test_the_nth_condition_refers_to_the_previous_verdict(client: OpenAI) -> None:
    verdict = client.chat.completions.create(model="jingpin", messages=[_user(VERDICT_QUESTION)],  # type: ignore[list-item]
                                             extra_body={"as_of": AS_OF})
    assert _jingpin(verdict)["verdicts"][0]["status"] == "met"
    history = [_user(VERDICT_QUESTION), {"role": "assistant", "content": verdict.choices[0].message.content},
               _user("第二个条件是什么意思？")]
    second = client.chat.completions.create(model="jingpin", messages=history, extra_body={"as_of": AS_OF})  # type: ignore[arg-type]
    assert "产品核心技术高于国内领先水平" in (second.choices[0].message.content or "")
    assert _jingpin(second)["citations"][0]["label"] == "三（二）2"
    alone = client.chat.completions.create(model="jingpin", messages=[_user("第二个条件是什么意思？")])  # type: ignore[list-item]
    assert "产品核心技术高于国内领先水平" not in (alone.choices[0].message.content or ""), "no history, no follow-up"
    other_user = client.chat.completions.create(model="jingpin", messages=history, user="someone-else")  # type: ignore[arg-type]
    assert "产品核心技术高于国内领先水平" not in (other_user.choices[0].message.content or ""), "users are kept apart"


def test_an_out_of_scope_question_says_the_kb_does_not_cover_it(client: OpenAI) -> None:
    done = client.chat.completions.create(model="jingpin", messages=[_user("上海的首台套政策怎么申请？")])  # type: ignore[list-item]
    content = done.choices[0].message.content or ""
    extra = _jingpin(done)
    assert extra["grounded"] is False and extra["citations"] == [] and extra["conclusion"] == "out_of_scope"
    assert "本知识库未收录" in content and "知识库未覆盖此问题" in content and "来源" not in content


@pytest.mark.parametrize(("body", "error", "code"), [
    ({"model": "gpt-4o", "messages": [_user("文号是什么？")]}, openai.NotFoundError, "model_not_found"),
    ({"model": "jingpin", "messages": []}, openai.BadRequestError, "empty_messages"),
    ({"model": "jingpin", "messages": [{"role": "system", "content": "你是助手"}]}, openai.BadRequestError,
     "no_user_message"),
    ({"model": "jingpin", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "这是什么产品？"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]},
     openai.BadRequestError, "unsupported_content"),
    ({"model": "jingpin", "messages": [_user("问" * 2001)]}, openai.BadRequestError, "invalid_question"),
    ({"model": "jingpin", "messages": [{"role": "robot", "content": "hi"}]}, openai.BadRequestError, "invalid_value"),
])
def test_bad_requests_are_openai_errors(client: OpenAI, body: dict[str, Any], error: type[openai.APIStatusError],
                                        code: str) -> None:
    with pytest.raises(error) as caught:
        client.chat.completions.create(**body)
    payload = caught.value.body
    assert isinstance(payload, dict) and payload["code"] == code
    assert " / " in payload["message"] and set(payload) == {"message", "type", "param", "code"}


def test_a_too_long_question_names_the_limit(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="jingpin", messages=[_user("问" * 2001)])  # type: ignore[list-item]
    assert "2000" in str(caught.value) and caught.value.status_code == 400


def test_api_keys_are_required_when_set(tmp_path_factory: pytest.TempPathFactory) -> None:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("keys") / "data", embedder="hash",
                                          api_keys="key-one, key-two"))
    with serve_app(create_app(services)) as url:
        wrong = OpenAI(base_url=f"{url}/v1", api_key="key-three", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            wrong.models.list()
        with pytest.raises(openai.AuthenticationError) as caught:
            wrong.chat.completions.create(model="jingpin", messages=[_user("文号是什么？")])  # type: ignore[list-item]
        assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "invalid_api_key"
        bare = httpx.post(f"{url}/v1/chat/completions", json={"model": "jingpin", "messages": [_user("文号是什么？")]})
        assert bare.status_code == 401 and bare.headers["www-authenticate"] == "Bearer"
        assert "API 密钥" in bare.json()["error"]["message"]
        keyed = OpenAI(base_url=f"{url}/v1", api_key="key-two", max_retries=0)
        assert [m.id for m in keyed.models.list()] == ["jingpin"]
        done = keyed.chat.completions.create(model="jingpin", messages=[_user("文号是什么？")])  # type: ignore[list-item]
        assert "浙经信技术〔2013〕573号" in (done.choices[0].message.content or "")
        assert httpx.post(f"{url}/mcp", json={}).status_code == 401
        assert httpx.post(f"{url}/v1/ask", json={"question": "文号是什么？"}).status_code == 200  # /v1/ask is unchanged
