"""Multi-document evaluation: the same questions on a KB of 573号 alone and on 573号 plus notices.

Builds two knowledge bases in temp dirs with the real embedder: (a) the bundled 573号 only; (b) the
same plus every ``*.txt`` notice in ``--notices`` (made-up notices in the style of real ones; their
doc_id is the file name). Runs each question set on each KB, so a drop on the 573号 sets from (a)
to (b) is what adding documents costs, and prints the figures (hit@1, hit@3, right_document@1,
conclusion accuracy, inversions …). Nothing is asserted.

    python benchmarks/eval_multidoc.py [--notices bot/evaluation/data/multidoc] [--sets multidoc answers]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bot.app import Services, build_services
from bot.evaluation.runner import load_questions, question_set, run_evaluation
from bot.evaluation.sets import is_holdout
from bot.settings import BotSettings
from ingest.staff import parse_document

ROOT = Path(__file__).resolve().parents[1]
POLICY = "zjjx-2013-573"
FIGURES = ("questions", "hit@1", "hit@3", "first_clause", "right_document@1", "conclusion_accuracy", "inversions",
           "key_facts", "out_of_scope_accuracy")


def _services(data_dir: Path, notices: list[Path]) -> Services:
    services = build_services(BotSettings(data_dir=data_dir))
    if notices:
        results = [parse_document(p, source=p.name, doc_id=p.stem) for p in notices]
        services.staff.publish(results, actor="benchmark")
    return services


def main() -> None:
    """Build both KBs, run the sets on each, print one table per set."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", default=str(ROOT / "bot" / "evaluation" / "data" / "multidoc"))
    parser.add_argument("--sets", nargs="+", default=["multidoc", "answers", "eval"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the misses (never for a holdout set)")
    args = parser.parse_args()
    notices = sorted(Path(args.notices).glob("*.txt"))
    report: dict[str, Any] = {"notices": [p.stem for p in notices]}
    with tempfile.TemporaryDirectory() as tmp:
        kbs = {"573 only": _services(Path(tmp) / "a", []), f"573 + {len(notices)} notices": _services(Path(tmp) / "b",
                                                                                                     notices)}
        for name in args.sets:
            path = question_set(name)
            # The 573号 sets name no document: their clauses are 573号's, whatever else the KB holds.
            questions = [q if q.gold_doc or not q.gold else dataclasses.replace(q, gold_doc=POLICY)
                         for q in load_questions(path)]
            for kb_name, services in kbs.items():
                if name.startswith("multidoc") and kb_name == "573 only":
                    questions_here = [q for q in questions if q.gold_doc in (None, POLICY)]
                else:
                    questions_here = questions
                result = run_evaluation(services, questions_here, baselines=False,
                                        show_misses=args.misses and not is_holdout(path))
                report[f"{name} @ {kb_name}"] = {k: result["jingpin"].get(k) for k in FIGURES} | (
                    {"misses": result["misses"]} if args.misses else {})
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print("notices:", ", ".join(report["notices"]))
    print(f"{'set @ KB':<40}" + "".join(f"{k:>18}" for k in FIGURES))
    for key, figures in report.items():
        if key == "notices":
            continue
        print(f"{key:<40}" + "".join(f"{figures.get(k)!s:>18}" for k in FIGURES))
        for miss in figures.get("misses", []):
            print(f"    {miss['id']} {miss['question']}  gold={miss.get('gold_doc')}:{miss['gold']} "
                  f"cited={miss['cited'][:3]} {miss['conclusion']}/{miss['expected']}")


if __name__ == "__main__":
    main()
