"""Evaluation on a clause-labelled question set, with two baselines run on the same questions.

Metrics (in-scope questions unless said otherwise):
- hit@1: the first cited clause is a gold clause; hit@3: a gold clause is among the first three cited.
- out_of_scope_accuracy: share of out-of-scope questions answered ``grounded: false``.
- false_refusals: in-scope questions answered ``grounded: false``.
- median_quote_chars: median length of all quotes shown.

Baselines: the usual LangChain recipe (RecursiveCharacterTextSplitter, chunk 200, Chinese
separators, same embedder, top-k chunks) and BM25 alone over our passages. Neither can refuse, so
their out-of-scope accuracy is 0 by construction.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bot.app import Services
from knowledge.kb.knowledge_base import KnowledgeBase

QUESTION_SETS = resources.files("bot.evaluation") / "data"  # shipped in the package: works when installed
QUESTION_SET_NAMES = ("eval", "holdout")
DEFAULT_QUESTIONS = Path(str(QUESTION_SETS / "eval_questions.jsonl"))
CHINESE_SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]


@dataclass(frozen=True)
class Question:
    """One labelled question."""

    qid: str
    question: str
    gold: tuple[str, ...]
    category: str
    lang: str


def question_set(name: str) -> Path:
    """The bundled question set ``name`` (``eval``: the tuning set; ``holdout``: never tuned on)."""
    if name not in QUESTION_SET_NAMES:
        raise ValueError(f"没有问题集 {name}（可用：{'、'.join(QUESTION_SET_NAMES)}） / unknown question set")
    return Path(str(QUESTION_SETS / f"{name}_questions.jsonl"))


def load_questions(path: Path | None = None) -> list[Question]:
    """Read a JSONL question set (``id, question, gold, category, lang``)."""
    source = path or DEFAULT_QUESTIONS
    out = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Question(row["id"], row["question"], tuple(row["gold"]), row.get("category", ""),
                                row.get("lang", "zh")))
    return out


def _hits(ranked: list[str], gold: tuple[str, ...]) -> tuple[bool, bool]:
    return (bool(ranked) and ranked[0] in gold, any(c in gold for c in ranked[:3]))


def _score(rows: list[tuple[Question, list[str], bool, list[int]]]) -> dict[str, Any]:
    inscope = [r for r in rows if r[0].gold]
    oos = [r for r in rows if not r[0].gold]
    h1 = sum(_hits(r[1], r[0].gold)[0] for r in inscope)
    h3 = sum(_hits(r[1], r[0].gold)[1] for r in inscope)
    quotes = [n for r in rows for n in r[3]]
    return {
        "questions": len(rows),
        "in_scope": len(inscope),
        "hit@1": round(h1 / len(inscope), 3) if inscope else None,
        "hit@3": round(h3 / len(inscope), 3) if inscope else None,
        "out_of_scope_accuracy": round(sum(not r[2] for r in oos) / len(oos), 3) if oos else None,
        "false_refusals": sum(not r[2] for r in inscope),
        "median_quote_chars": statistics.median(quotes) if quotes else 0,
    }


def _evaluate_jingpin(services: Services, questions: list[Question]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    assistant = services.assistant  # answers with the LLM composer when one is configured
    rows, misses, latencies = [], [], []
    removed, generated, fallbacks = 0, 0, 0
    for q in questions:
        started = time.perf_counter()
        answer = assistant.ask(q.question)
        latencies.append((time.perf_counter() - started) * 1000)
        removed += answer.sentences_removed
        generated += answer.composer == "llm"
        fallbacks += bool(answer.fallback_reason)
        cited = [c.clause_id for c in answer.citations]
        rows.append((q, cited, answer.grounded, [len(c.quote) for c in answer.citations]))
        wrong = (not answer.grounded) if q.gold else answer.grounded
        if wrong or (q.gold and not _hits(cited, q.gold)[0]):
            misses.append({"id": q.qid, "question": q.question, "gold": list(q.gold), "cited": cited})
    report = _score(rows)
    report["median_latency_ms"] = round(statistics.median(latencies), 1)
    report["composer"] = "llm" if assistant.versions.chat is not None else "extractive"
    report["generated_answers"] = generated
    report["llm_fallbacks"] = fallbacks
    report["sentences_removed_by_verification"] = removed
    return report, misses


def _evaluate_langchain(kb: KnowledgeBase, questions: list[Question]) -> dict[str, Any]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=200, chunk_overlap=20, separators=CHINESE_SEPARATORS,
                                              keep_separator="end")
    chunks: list[tuple[str, str]] = []  # (text, clause id it starts in)
    for doc_id in kb.documents:
        clauses = kb.clauses_of(doc_id)
        full, owners = "", []
        for c in clauses:
            owners.append((len(full), c.clause_id))
            full += (f"{c.label}、" if c.kind != "special" else "") + c.text + "\n\n"
        position = 0
        for chunk in splitter.split_text(full):
            found = full.find(chunk, max(0, position - 200))
            start = found if found >= 0 else position
            position = start + len(chunk)
            owner = [cid for offset, cid in owners if offset <= start + len(chunk) // 2][-1]
            chunks.append((chunk, owner))
    vectors = kb.dense.embedder.embed_passages([c[0] for c in chunks])
    rows = []
    for q in questions:
        scores = vectors @ kb.dense.embedder.embed_queries([q.question])[0]
        top = np.argsort(-scores)[:3]
        rows.append((q, [chunks[i][1] for i in top], True, [len(chunks[top[0]][0])]))
    return _score(rows)


def _evaluate_bm25(kb: KnowledgeBase, questions: list[Question]) -> dict[str, Any]:
    rows = []
    for q in questions:
        scores = kb.sparse.scores(kb.lexicon.query_tokens(q.question))
        ranked: list[str] = []
        for i in np.argsort(-scores):
            cid = kb.passages[int(i)].clause_id
            if cid not in ranked:
                ranked.append(cid)
            if len(ranked) == 3:
                break
        best = kb.passages[int(np.argmax(scores))].text
        rows.append((q, ranked, True, [len(best)]))
    return _score(rows)


def run_evaluation(services: Services, questions: list[Question], *, baselines: bool = True) -> dict[str, Any]:
    """Score jingpin (and, unless disabled, both baselines) on ``questions``."""
    report, misses = _evaluate_jingpin(services, questions)
    kb = services.assistant.kb()
    result: dict[str, Any] = {"kb_version": kb.version, "jingpin": report, "misses": misses}
    if baselines:
        result["langchain_recursive_200"] = _evaluate_langchain(kb, questions)
        result["bm25_only"] = _evaluate_bm25(kb, questions)
    return result


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table of the evaluation report."""
    keys = ["hit@1", "hit@3", "out_of_scope_accuracy", "false_refusals", "median_quote_chars"]
    systems = [name for name in ("jingpin", "langchain_recursive_200", "bm25_only") if name in report]
    lines = [f"知识库版本 kb_version={report['kb_version']}  问题数 {report['jingpin']['questions']}"
             f"（在范围内 {report['jingpin']['in_scope']}）",
             f"{'system':<26}" + "".join(f"{k:>22}" for k in keys)]
    for name in systems:
        lines.append(f"{name:<26}" + "".join(f"{report[name][k]!s:>22}" for k in keys))
    lines.append(f"jingpin median latency (in-process): {report['jingpin']['median_latency_ms']} ms")
    j = report["jingpin"]
    lines.append(f"composer: {j['composer']}  generated answers: {j['generated_answers']}  "
                 f"LLM fallbacks: {j['llm_fallbacks']}  sentences removed by verification: "
                 f"{j['sentences_removed_by_verification']}")
    if report["misses"]:
        lines.append("未命中 / misses:")
        lines += [f"  {m['id']} {m['question']}  gold={m['gold']} cited={m['cited']}" for m in report["misses"]]
    return "\n".join(lines)
