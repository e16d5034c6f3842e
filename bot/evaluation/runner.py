"""Evaluation of jingpin on a labelled question set, with two baselines run on the same questions
(figures: :mod:`bot.evaluation.scoring`; sets: :mod:`bot.evaluation.sets`).

Baselines: the usual LangChain recipe (RecursiveCharacterTextSplitter, chunk 200, Chinese
separators, same embedder, top-k chunks) and BM25 alone over our passages. Neither can refuse or
conclude, so their out-of-scope accuracy is 0 by construction and they have no conclusion figures.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from bot.app import Services
from bot.evaluation.scoring import Row, is_miss, score
from bot.evaluation.sets import QUESTION_SET_NAMES, Question, is_holdout, load_questions, question_set
from knowledge.kb.knowledge_base import KnowledgeBase

__all__ = ["QUESTION_SET_NAMES", "Question", "format_report", "is_holdout", "load_questions", "question_set",
           "run_evaluation"]

CHINESE_SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]


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
        row = Row(q, tuple(c.clause_id for c in answer.citations), answer.grounded,
                  tuple(len(c.quote) for c in answer.citations), answer.answer, answer.conclusion,
                  tuple(c.doc_id for c in answer.citations))
        rows.append(row)
        if is_miss(row):
            misses.append({"id": q.qid, "question": q.question, "gold": list(q.gold), "gold_doc": q.gold_doc,
                           "cited": [f"{d}:{c}" if q.gold_doc else c for c, d in zip(row.cited, row.cited_docs,
                                                                                   strict=True)],
                           "conclusion": answer.conclusion, "expected": q.conclusion})
    report = score(rows)
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
    chunks: list[tuple[str, str, str]] = []  # (text, clause id it starts in, its document)
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
            chunks.append((chunk, owner, doc_id))
    vectors = kb.dense.embedder.embed_passages([c[0] for c in chunks])
    rows = []
    for q in questions:
        scores = vectors @ kb.dense.embedder.embed_queries([q.question])[0]
        top = np.argsort(-scores)[:3]
        rows.append(Row(q, tuple(chunks[i][1] for i in top), True, (len(chunks[top[0]][0]),),
                        "".join(chunks[i][0] for i in top), cited_docs=tuple(chunks[i][2] for i in top)))
    return score(rows)


def _evaluate_bm25(kb: KnowledgeBase, questions: list[Question]) -> dict[str, Any]:
    rows = []
    for q in questions:
        scores = kb.sparse.scores(kb.lexicon.query_tokens(q.question))
        ranked: list[tuple[str, str]] = []
        for i in np.argsort(-scores):
            key = (kb.passages[int(i)].clause_id, kb.passages[int(i)].doc_id)
            if key not in ranked:
                ranked.append(key)
            if len(ranked) == 3:
                break
        best = kb.passages[int(np.argmax(scores))].text
        rows.append(Row(q, tuple(c for c, _ in ranked), True, (len(best),), best,
                        cited_docs=tuple(d for _, d in ranked)))
    return score(rows)


def run_evaluation(services: Services, questions: list[Question], *, baselines: bool = True,
                   show_misses: bool = True) -> dict[str, Any]:
    """Score jingpin (and, unless disabled, both baselines) on ``questions``; the misses are listed
    only when ``show_misses`` (never for a holdout), else only counted."""
    report, misses = _evaluate_jingpin(services, questions)
    kb = services.assistant.kb()
    result: dict[str, Any] = {"kb_version": kb.version, "jingpin": report,
                              "misses": misses if show_misses else [], "miss_count": len(misses)}
    if baselines:
        result["langchain_recursive_200"] = _evaluate_langchain(kb, questions)
        result["bm25_only"] = _evaluate_bm25(kb, questions)
    return result


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table of the evaluation report."""
    keys = [k for k in ("conclusion_accuracy", "inversions", "first_clause", "key_facts", "hit@1", "hit@3",
                        "right_document@1", "out_of_scope_accuracy", "false_refusals", "median_quote_chars")
            if k in report["jingpin"]]
    systems = [name for name in ("jingpin", "langchain_recursive_200", "bm25_only") if name in report]
    lines = [f"知识库版本 kb_version={report['kb_version']}  问题数 {report['jingpin']['questions']}"
             f"（在范围内 {report['jingpin']['in_scope']}）",
             f"{'system':<26}" + "".join(f"{k:>20}" for k in keys)]
    for name in systems:
        lines.append(f"{name:<26}" + "".join(f"{report[name].get(k, '–')!s:>20}" for k in keys))
    lines.append(f"jingpin median latency (in-process): {report['jingpin']['median_latency_ms']} ms")
    j = report["jingpin"]
    lines.append(f"composer: {j['composer']}  generated answers: {j['generated_answers']}  "
                 f"LLM fallbacks: {j['llm_fallbacks']}  sentences removed by verification: "
                 f"{j['sentences_removed_by_verification']}")
    if report["misses"]:
        lines.append("未命中 / misses:")
        lines += [f"  {m['id']} {m['question']}  gold={m['gold']} cited={m['cited']}"
                  + (f" conclusion={m['conclusion']} expected={m['expected']}" if m["expected"] else "")
                  for m in report["misses"]]
    elif report.get("miss_count"):
        lines.append(f"未命中 {report['miss_count']} 题（保留集不列出 / holdout misses are not shown）")
    return "\n".join(lines)
