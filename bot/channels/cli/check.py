"""``jingpin check``: rule verdicts from the command line, one-shot or asking for missing facts.

    jingpin check --product-id SL202400001 --as-of 2026-11-24
    jingpin check --fact buyer_type=国有企业 --fact below_tender_threshold=是 --audience buyer
    jingpin check            # interactive: asks for each missing fact, one at a time
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.answer.verdicts.checks import Eligibility
from bot.settings import BotSettings
from knowledge.errors import FactError, KnowledgeError
from knowledge.rules.facts import FACTS, show

SettingsFor = Callable[[argparse.Namespace], BotSettings]


def _facts_from_args(pairs: list[str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise FactError(f"--fact 的格式应为 名称=值，收到：{pair} / expected NAME=VALUE")
        raw[name.strip()] = value.strip()
    return raw


def _ask(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    return None if not line else line.strip()


def cmd_check(args: argparse.Namespace, settings: BotSettings) -> int:
    """Evaluate the rules for the given facts; ask for missing ones when interactive."""
    from bot.app import build_services

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        raise FactError(f"--as-of 日期格式应为 YYYY-MM-DD，收到：{args.as_of} / expected YYYY-MM-DD") from None
    raw = _facts_from_args(args.fact or [])
    if args.product_id:
        raw["product_id"] = args.product_id
    interactive = args.interactive or not raw
    assistant = build_services(settings).assistant
    audience = args.audience
    stdin, stdout = sys.stdin, sys.stdout
    if interactive and audience is None:
        answer = _ask("您是申报/享受政策的企业（1），还是采购方（2）？[1/2] > ", stdin, stdout)
        audience = "buyer" if answer in ("2", "buyer", "采购方") else "enterprise"

    def check() -> Eligibility:
        return assistant.check_eligibility(raw, as_of=as_of, rule_ids=args.rule, audience=audience)

    eligibility = check()
    skipped: set[str] = set()
    while interactive and (missing := eligibility.missing_facts(frozenset(skipped))):
        name = missing[0]
        reply = _ask(f"{FACTS[name].question}（直接回车跳过）> ", stdin, stdout)
        if reply is None:
            break
        if not reply:
            skipped.add(name)
            continue
        try:
            assistant.case({name: reply})
        except KnowledgeError as exc:
            stdout.write(f"{exc}\n")
            continue
        raw[name] = reply
        eligibility = check()
    if args.json:
        print(json.dumps({"verdicts": [v.to_dict() for v in eligibility.verdicts], "as_of": as_of.isoformat(),
                          "facts": {k: show(v) for k, v in eligibility.facts.items()}}, ensure_ascii=False, indent=2))
    else:
        print(eligibility.text(english=False))
    return 0


def add_check_command(sub: Any, settings_for: SettingsFor) -> None:
    """Register ``jingpin check``."""
    check = sub.add_parser("check", help="规则判断（资格、优惠、采购义务） / rule verdicts for your case")
    check.add_argument("--product-id", help="《目录》产品编号：从目录读取认定日期、状态等")
    check.add_argument("--as-of", help="按哪一天判断（YYYY-MM-DD，默认今天）")
    check.add_argument("--fact", action="append", metavar="名称=值", help=f"事实项，可多次给出：{', '.join(FACTS)}")
    check.add_argument("--audience", choices=["enterprise", "buyer"], help="只看企业或采购方的规则")
    check.add_argument("--rule", action="append", help="只看这些规则（rule_id）")
    check.add_argument("--interactive", "-i", action="store_true", help="逐项询问缺少的信息")
    check.add_argument("--json", action="store_true", help="输出与 /v1/eligibility 相同的 JSON")
    check.set_defaults(func=lambda args: cmd_check(args, settings_for(args)))
