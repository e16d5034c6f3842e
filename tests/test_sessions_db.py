"""Conversation sessions in the database: a follow-up finds its session through another store (as
another process or host would), on SQLite and on the real PostgreSQL server; expiry and bounds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.answer.answer import CatalogNeed
from bot.answer.assistant import Assistant
from bot.answer.conversation.followups import Turn
from bot.answer.conversation.sql_sessions import SessionRow, SqlSessionStore
from bot.app import build_services
from bot.settings import BotSettings
from knowledge.db.engine import make_engine
from knowledge.kb.models import Citation
from knowledge.rules.engine import ConditionResult, Verdict
from knowledge.settings import Settings

CITATION = Citation(doc_id="zjzzjp", doc_title="浙江制造精品", doc_number="浙经信技术〔2013〕573号", clause_id="三(二)2",
                    label="三（二）2", quote="视同满足业绩要求", text="……视同满足业绩要求。")
VERDICT = Verdict(rule_id="tender_performance", title="投标业绩视同", audience="enterprise", status="met",
                  conditions=[ConditionResult(label="核心技术水平", fact="core_tech_level", required="高于国内领先水平",
                                              given="国际先进", status="met", missing=("x",)),
                              ConditionResult(label="明晰自主知识产权", fact="has_clear_ip", required="是", given=None,
                                              status="needs_info")],
                  missing_facts=["has_clear_ip"], citations=[CITATION], explanation="……", outcome="视同有业绩",
                  as_of="2026-11-24", computed={"months": "3"}, compliance=None)
TURN = Turn(question="现在投标能视同有业绩吗？", intent="eligibility", catalog_need=CatalogNeed("工业机器人", "杭州市"),
            shown=5, verdicts=(VERDICT,), citations=(CITATION,))


@pytest.fixture(params=["sqlite", "postgresql"])
def engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one database, as two processes would hold them."""
    url = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    pair = (make_engine(settings), make_engine(settings))
    yield pair
    for engine in pair:
        engine.dispose()


class Clock:
    """Wall-clock seconds that a test moves on."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(SessionRow)).scalar_one())


def test_a_turn_survives_json() -> None:
    assert Turn.from_dict(json.loads(json.dumps(TURN.to_dict()))) == TURN
    condition = ConditionResult("认定日期", "certified_on", "三年内", dt.date(2025, 3, 1), "met")
    dated = Turn(question="q", intent="eligibility", verdicts=(dataclasses.replace(VERDICT, conditions=[condition]),))
    assert Turn.from_dict(json.loads(json.dumps(dated.to_dict()))).verdicts[0].conditions[0].given == "2025-03-01"  # shown as text


def test_another_process_finds_the_facts_and_the_turn(engines: tuple[Engine, Engine]) -> None:
    here, there = SqlSessionStore(engines[0]), SqlSessionStore(engines[1])
    session = uuid.uuid4().hex
    here.remember(session, {"region": "杭州市", "has_clear_ip": True, "core_tech_level": "国际先进"})
    here.remember_turn(session, TURN)
    assert there.get(session) == {"region": "杭州市", "has_clear_ip": True, "core_tech_level": "国际先进"}
    assert there.turn(session) == TURN
    there.remember_turn(session, None)  # forgetting the turn keeps the facts
    assert here.turn(session) is None and here.get(session)["region"] == "杭州市"
    assert here.get(None) == {} and here.turn("") is None and here.get("unknown") == {}
    long_id = "x" * 500  # longer than the column: stored by its hash
    here.remember(long_id, {"a": 1})
    assert there.get(long_id) == {"a": 1}


def test_idle_sessions_are_forgotten_and_swept(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    store = SqlSessionStore(engines[0], max_age_s=60, clock=clock)
    store.remember("old", {"a": 1})
    store.remember_turn("old", TURN)
    clock.now += 30
    store.remember_turn("fresh", TURN)
    clock.now += 31  # "old" idle 61 s, "fresh" 31 s
    assert store.get("old") == {} and store.turn("old") is None
    assert store.turn("fresh") == TURN
    assert store.sweep() == 1 and _rows(engines[0]) == 1


def test_the_least_recently_written_go_beyond_max_sessions(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    store = SqlSessionStore(engines[0], max_sessions=3, sweep_every=1, clock=clock)
    for name in ("s0", "s1", "s2", "s0", "s3"):  # s0 written again before s3 comes
        clock.now += 1
        store.remember(name, {"name": name})
    assert _rows(engines[0]) == 3
    assert [store.get(f"s{n}").get("name") for n in range(4)] == ["s0", None, "s2", "s3"]


def test_the_sweep_runs_every_nth_write_only(engines: tuple[Engine, Engine]) -> None:
    store = SqlSessionStore(engines[0], max_sessions=1, sweep_every=10)
    for n in range(9):
        store.remember(f"s{n}", {"n": n})
    assert _rows(engines[0]) == 9  # no sweep yet: a write costs one upsert
    store.remember("s9", {"n": 9})
    assert _rows(engines[0]) == 1 and store.get("s9") == {"n": 9}


def test_a_follow_up_reaches_another_process(tmp_path: Path) -> None:
    settings = BotSettings(data_dir=tmp_path / "data", embedder="hash")
    services = build_services(settings)
    first = services.assistant
    # the second "process": its own engine and session store on the same database
    second = Assistant(first.versions, first.catalog, SqlSessionStore(make_engine(settings)))
    session = uuid.uuid4().hex
    verdict = first.ask("我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？",
                        session_id=session, as_of=dt.date(2026, 11, 24))
    assert verdict.verdicts
    follow = second.ask("第二个条件是什么意思？", session_id=session, as_of=dt.date(2026, 11, 24))
    assert follow.intent == "eligibility" and "第2个条件" in follow.answer
    assert follow.verdicts[0].rule_id == verdict.verdicts[0].rule_id
