"""Which cited clause an answer's conclusion rests on, when the best-ranked one lacks the force the
question turns on.

Retrieval ranks clauses by topic; the conclusion needs the sentence with the right force. "能不能把目录产品
排除在外？" rests on a 不得排斥 sentence, a private asker's "也要优先采购吗？" on the sentence saying
whose projects the duty binds (政府采购、国有企业投资…), "能一直享受吗？" on what ends the standing (退出机制). When the first cited clause has no such sentence
and another retrieved clause has one, that clause comes first, so the conclusion and its quote are
about the same sentence. Nothing is keyed to wording: the test is the force of the sentences
(:mod:`knowledge.text.modality`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.answer.asked_values import asked_value, states_value
from bot.answer.conditions import condition_of, excluded_case
from bot.answer.form import QuestionForm
from knowledge.kb.models import Citation
from knowledge.text.modality import forces, pieces

_KEEPS_OUT = re.compile(r"排斥|排除|拒绝|之外|门外")
_BINDING = frozenset({"duty", "prohibition", "preference"})
_SCOPE_WORDS = re.compile(r"政府采购|国有投资为主|国有投资|政府性投资及补助|政府性投资|国有企业投资|公共资源交易")


def needed_sentence(form: QuestionForm) -> Callable[[str], bool] | None:
    """What a sentence must carry to settle a question of ``form`` (None: any sentence will do)."""
    if form.lasting and form.kind != "obligation":
        return lambda s: "time_limit" in forces(s)
    if form.kind not in ("obligation", "permission", "confirm"):
        return None  # an open or multi-part question is answered by the clause ranked first
    if form.excluding and not form.states_ban:
        return lambda s: "prohibition" in forces(s) and bool(_KEEPS_OUT.search(s))
    if form.project == "private" and (form.kind == "obligation" or form.negated):  # about its own duty
        return lambda s: "public_scope" in forces(s) and bool(forces(s) & _BINDING)
    return None


def has_sentence(text: str, needed: Callable[[str], bool]) -> bool:
    """True when a sentence (or semicolon part) of ``text`` is one ``needed`` accepts."""
    return any(needed(p) for p in pieces(text))


def value_first(form: QuestionForm, question: str, citations: list[Citation],
                others: Callable[[str | None], Sequence[Citation]],
                shared: Callable[[str], int]) -> list[Citation]:
    """For a question asking a figure of a kind (比例, 金额, 几天, 截止日期), the clause that states one
    first, when the first does not: a cited one, else a further retrieved one of the same document
    (``others(doc_id)``) that shares as many of the question's own words (``shared``, at least two) as
    the first — a figure in a clause about something else answers nothing. For a date one shared word
    will do: a document's dates are those of its procedure, and the clauses that share the most words
    with "2022年度精品申报几号截止？" are the ones repeating the notice's title (the 申报书 line)."""
    kind = asked_value(question) if form.kind in ("quantity", "time") else None
    if kind is None or kind.name == "number" or not citations or states_value(kind, citations[0].text):
        return citations
    for i, citation in enumerate(citations[1:], 1):
        if states_value(kind, citation.text):
            return [citation, *citations[:i], *citations[i + 1:]]
    # about the question at least as much as the first one
    least = 1 if kind.name == "deadline" else max(2, shared(citations[0].text))
    extra = next((c for c in others(citations[0].doc_id) if states_value(kind, c.text)
                  and shared(c.text) >= least and c.clause_id not in {x.clause_id for x in citations}), None)
    return [extra, *citations] if extra is not None else citations


def force_first(form: QuestionForm, question: str, citations: list[Citation],
                others: Callable[[str | None], Sequence[Citation]], shared: Callable[[str], int] = lambda _: 0,
                stated: Callable[[str], bool] = lambda _: False) -> list[Citation]:
    """``citations`` with the one holding the sentence ``form`` turns on first: a cited clause, else one
    of ``others(None)`` (further retrieved clauses, quoted and verified); unchanged when none holds it.
    With no force to look for, a value asked leads to the clause stating it (:func:`value_first`) and
    a case the asker describes to the cited clause written for that case (:func:`case_first`)."""
    needed = needed_sentence(form)
    if citations and form.lasting and form.kind != "obligation":
        needed = _lasting_need(citations, others, shared)
    if needed is None and citations and form.kind not in ("quantity", "time"):
        return case_first(form, citations, stated)
    if needed is None or not citations or has_sentence(citations[0].text, needed):
        return citations if needed is not None else value_first(form, question, citations, others, shared)
    for i, citation in enumerate(citations[1:], 1):
        if has_sentence(citation.text, needed):
            return [citation, *citations[:i], *citations[i + 1:]]
    extra = next((c for c in others(None) if has_sentence(c.text, needed)), None)
    return [extra, *citations] if extra is not None else citations


def case_first(form: QuestionForm, citations: list[Citation], stated: Callable[[str], bool]) -> list[Citation]:
    """For a must / may / is-there question, a cited clause with a sentence written for the case the asker
    describes (``stated``: the question states its condition — 采购金额在规定招标金额标准以下 for "没达到公开招标
    的金额标准") comes first, when the first clause has none: the rule for that case, not the general one."""
    if form.kind not in ("obligation", "permission", "existence", "confirm") or form.excluding:
        return citations

    def for_the_case(text: str) -> bool:  # whose projects (政府采购、国有投资为主) is scope, not the case
        return any((c := condition_of(p)) is not None and c.kind == "requirement"
                   and stated(_SCOPE_WORDS.sub("", c.text)) for p in pieces(text))

    if for_the_case(citations[0].text):
        return citations
    for i, citation in enumerate(citations[1:], 1):  # within the document retrieval chose
        if citation.doc_id == citations[0].doc_id and for_the_case(citation.text):
            return [citation, *citations[:i], *citations[i + 1:]]
    return citations


def _lasting_need(citations: list[Citation], others: Callable[[str | None], Sequence[Citation]],
                  shared: Callable[[str], int]) -> Callable[[str], bool]:
    """For "是永久的吗？": a limit on what the question names (视同业绩 … 二年内) when the first clause has
    one; otherwise what ends the standing itself (退出机制), when a retrieved clause says so — the
    period one benefit lasts does not answer whether the listing lasts."""
    def limits_it(s: str) -> bool:
        return "time_limit" in forces(s) and shared(s) > 0

    if has_sentence(citations[0].text, limits_it):
        return limits_it
    def ends(s: str) -> bool:
        return "ends_standing" in forces(s)

    if any(has_sentence(c.text, ends) for c in [*citations, *others(None)]):
        return ends
    return lambda s: "time_limit" in forces(s)


def exclusion_first(form: QuestionForm, citations: list[Citation], deeper: Callable[[], Sequence[Citation]],
                    lead_in: Callable[[Citation], str], named: Callable[[Citation, str], set[str]]) -> list[Citation]:
    """For a may-question ("做工业软件的，能申请保险补偿吗？"), a clause retrieved a little deeper (``deeper()``) that
    excludes the asker's case leads: one whose excluded
    case names something of the question (``named``: the question's words in a text, without the words
    naming the clause's document) that the first clause does not (软件类产品 of 不予补偿情形). A wrong yes
    costs more than a quoted ban."""
    if form.kind not in ("permission", "confirm") or form.excluding or not citations:
        return citations
    first = citations[0]
    if excluded_case(first, lead_in(first)):
        return citations
    own = named(first, first.text)
    for candidate in [*citations[1:], *deeper()]:
        case = excluded_case(candidate, lead_in(candidate))
        if case and (candidate.doc_id, candidate.clause_id) != (first.doc_id, first.clause_id) \
                and named(candidate, case) - own:
            return [candidate, *[c for c in citations if (c.doc_id, c.clause_id) != (candidate.doc_id, candidate.clause_id)]]
    return citations
