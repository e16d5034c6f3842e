"""Messy real-style notices: does the parser recover what a reader sees, and do answers find it?

`benchmarks/data/messy_unseen/` holds six made-up notices written blind (by a writer who had not read
the parser) in the forms staff paste: PDF-flattened lines, web-page chrome, 文号 only in a label,
extraction spaces, traditional characters, stray-spaced numbering, an embedded 办法, no title. Each
``X.txt`` has an ``X.expected.json`` (title, 文号, issuers, date, section labels, chrome that must not
reach clause text, five questions with the clause that answers them and a fact it must quote).

The first three files (sorted) are the dev half: their mismatches and misses are printed. The other
three are the holdout half: figures only, never the details. Nothing is asserted.

    python benchmarks/eval_messy.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bot.app import build_services
from bot.evaluation.runner import run_evaluation
from bot.evaluation.sets import Question, clause_key
from bot.settings import BotSettings
from ingest.policy.parser import ParseResult
from ingest.staff import parse_document

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "messy_unseen"
DEV_FILES = 3
_TOP = re.compile(r"^([一二三四五六七八九十]+|第[一二三四五六七八九十百]+条)$")


def _half(label: str) -> str:
    return label.replace("（", "(").replace("）", ")").replace(" ", "")


def _checks(result: ParseResult, expected: dict[str, Any]) -> dict[str, bool]:
    """One pass/fail per expected field of the parse."""
    doc = result.document
    labels = [c.label for c in result.clauses]
    top = [c.label for c in result.clauses if _TOP.match(c.label)]
    subs = {key: [f"{key}{s}" for s in want] for key, want in expected.get("subsections", {}).items()}
    texts = "\n".join(c.text for c in result.clauses if c.kind != "special")  # body text, not 文号/附件 records
    return {
        "title": (doc.title or None) == expected["title"],
        "doc_number": (doc.doc_number or None) == expected["doc_number"],
        "issuers": sorted(doc.issuers) == sorted(expected["issuers"]),
        "issued_on": doc.issued_on == expected["issued_on"],
        "top_sections": top == expected["top_sections"],
        "subsections": all(all(s in labels for s in want) for want in subs.values()),
        "no_chrome": not any(s in texts for s in expected.get("must_not_be_clause_text", [])),
    }


def _questions(stem: str, expected: dict[str, Any]) -> list[Question]:
    return [Question(f"{stem}-{i}", q["q"], (clause_key(_half(q["section"])),), "messy", "zh",
                     key_facts=(q["fact"],), gold_doc=stem)
            for i, q in enumerate(expected["questions"], 1)]


def main() -> None:
    """Parse every file, compare with its expectation; answer its questions on 573号 plus all six."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = sorted(DATA.glob("*.txt"))
    report: dict[str, Any] = {"dev": {}, "holdout": {}}
    parsed, questions = [], {"dev": [], "holdout": []}  # type: ignore[var-annotated]
    for i, path in enumerate(files):
        half = "dev" if i < DEV_FILES else "holdout"
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        result = parse_document(path, source=path.name, doc_id=path.stem)
        parsed.append(result)
        checks = _checks(result, expected)
        entry: dict[str, Any] = {"passed": sum(checks.values()), "of": len(checks)}
        if half == "dev":
            entry["failed"] = [k for k, ok in checks.items() if not ok]
            entry["got"] = {"title": result.document.title, "doc_number": result.document.doc_number,
                            "issuers": list(result.document.issuers), "issued_on": result.document.issued_on,
                            "labels": [c.label for c in result.clauses]}
        report[half][path.stem] = entry
        questions[half] += _questions(path.stem, expected)
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(BotSettings(data_dir=Path(tmp)))
        services.staff.publish(parsed, actor="benchmark")
        for half, qs in questions.items():
            result = run_evaluation(services, qs, baselines=False, show_misses=half == "dev")
            figures = {k: result["jingpin"].get(k) for k in ("questions", "hit@1", "hit@3", "right_document@1",
                                                              "key_facts")}
            report[half]["answers"] = figures | ({"misses": result["misses"]} if half == "dev" else {})
    for half in report.values():
        fields = [v for k, v in half.items() if k != "answers"]
        half["parse_fields"] = f"{sum(v['passed'] for v in fields)}/{sum(v['of'] for v in fields)}"
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for half, entries in report.items():
        print(f"== {half}: parse fields right {entries['parse_fields']}; answers {entries['answers']}"
              if half == "holdout" else f"== {half}: parse fields right {entries['parse_fields']}")
        if half == "dev":
            for stem, entry in entries.items():
                if stem in ("answers", "parse_fields"):
                    continue
                print(f"  {stem}: {entry['passed']}/{entry['of']} failed={entry['failed']}")
                print(f"    got={json.dumps(entry['got'], ensure_ascii=False)}")
            answers = entries["answers"]
            print("  answers:", {k: v for k, v in answers.items() if k != "misses"})
            for m in answers.get("misses", []):
                print(f"    {m['id']} {m['question']} gold={m['gold']} cited={m['cited']}")


if __name__ == "__main__":
    main()
