"""The conclusion of a clause answer: the question's form × the force of the sentence that answers it
× whom that sentence binds.

- An obligation question (必须/have to) answered by a preference or a prohibition of exclusion →
  "不是必须"; by a duty → yes (with its condition).
- A question whether someone may exclude / refuse, against a 不得 sentence → "不可以".
- May / is there, against a provision, preference or encouragement → yes, or yes on the condition the
  sentence states (quoted, never a bare "须满足条件").
- How much / how long / who, with no such value in the text → 文件未作具体规定; with one → the text.
- A duty on public money asked about a private project → 不是：the requirement covers only …, scope quoted.

The decisive sentence is chosen from the cited clause's own text (verbatim), so the quote shown is
the one the conclusion rests on. Templates never carry a number, date or body of their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.answer import Conclusion
from bot.answer.asked_values import asked_value, states_value
from bot.answer.conditions import (
    ASKS_MONEY,
    CASE,
    GENERIC,
    WordsOf,
    banned_case,
    case_duty,
    condition_of,
    denied_in,
    necessity_denied,
    other_sector,
    overlap,
    past_case_unsaid,
    scope_of,
    specific,
    stated_in,
    takes_part_in,
)
from bot.answer.form import FormKind, QuestionForm, asked_sentence
from bot.answer.leads import lead_templates
from bot.answer.premises import limit_passed, premise_confirmed, premise_contradicted
from bot.answer.stated_limits import beyond_limit
from knowledge.text.modality import Force, find, forces, pieces

_VALUE = {
    "quantity": re.compile(r"\d|百分之|[一二两三四五六七八九十百千万]+(年|项|个|元|倍|亿|成|家|次|以上)"),
    "time": re.compile(r"\d{4}年|[一二两三四五六七八九十]+年|年度|每年|定期|自[^，。；]{1,12}之日起|之日|期限|分批|分阶段"),
    "actor": re.compile(r"委|厅|局|部门|单位|办公室|联席会议|政府|机构|招标人|厂家|生产者|供应者|专家"),
    "criteria": re.compile(r"具有|具备|高于|符合[^。；]{0,6}条件"),
}
_ASKS_IF = ("permission", "existence", "confirm")
_BINDING = frozenset({"duty", "prohibition", "preference"})
_POSITIVE: tuple[Force, ...] = ("provision", "preference", "encouragement", "duty")
_WANTED: dict[FormKind, tuple[Force, ...]] = {
    "obligation": ("duty", "prohibition", "preference", "encouragement"),
    "permission": ("prohibition", "duty", "provision", "preference", "encouragement"),
    "existence": ("provision", "preference", "encouragement", "duty"),
    "confirm": ("condition", "provision", "duty", "preference", "prohibition"),
}


@dataclass(frozen=True)
class Concluded:
    """The conclusion class, the lead sentence of the answer and the sentence it rests on."""

    kind: Conclusion
    lead: str
    decisive: str  # a verbatim sentence of the first cited clause
    support: tuple[str, ...] = ()  # further sentences of that clause bearing on the same question


def decisive_sentence(form: QuestionForm, quote: str, clause_text: str, words: Sequence[str],
                      question: str = "") -> str:
    """The sentence of the clause the conclusion rests on: the quote, unless the form needs a force
    the quote lacks and another sentence of the clause has it (the one sharing most question words)."""
    limits = [p for p in pieces(clause_text) if "time_limit" in forces(p)] if form.lasting else []
    if limits:  # "是永久的吗？" rests on what ends it (退出机制, 二年内)
        return max(limits, key=lambda p: (overlap(p, words), -limits.index(p)))
    if form.kind in _VALUE or form.kind in ("confirm", "procedure"):  # the sentence about what is asked
        parts = pieces(clause_text) or [quote]
        named = _VALUE["actor"] if form.kind == "actor" else None  # "谁负责…？": a sentence naming a body
        kind = asked_value(question) if form.kind in ("quantity", "time") else None  # "几天？": one saying 5个工作日
        return max(parts, key=lambda p: (bool(named and named.search(p) and overlap(p, words)),
                                         bool(kind and states_value(kind, p) and overlap(p, words)),
                                         overlap(p, words), p == quote))
    if form.project == "private" and (form.kind == "obligation" or form.negated):  # whose projects a duty binds
        scoped = [p for p in pieces(clause_text) if "public_scope" in forces(p) and forces(p) & _BINDING]
        if scoped:
            return max(scoped, key=lambda p: (overlap(p, words), -scoped.index(p)))
    if form.kind == "obligation" and not form.excluding and (duty := case_duty(clause_text, words)):
        return duty  # "客户想中途退保，补贴还得退吗？": the duty written for that case (确需退保的，须…)
    wanted = ("prohibition",) if form.excluding else _WANTED.get(form.kind, ())
    if form.kind in ("existence", "permission", "confirm") and ASKS_MONEY.search(asked_sentence(question)) \
            and any("provision" in forces(p) and overlap(p, specific(words)) >= 2 for p in pieces(clause_text)):
        wanted = ("provision",)  # "展位费能资助吗？": the sentence that gives money for it, not one that encourages
    if form.excluding and not any("prohibition" in forces(p) for p in pieces(clause_text)):
        wanted = ("duty",)  # 招标人须允许其参加 … also answers "may they keep it out?"
    if form.negated and form.kind in ("permission", "obligation") and any(forces(p) & {"prohibition", "duty"} for p in pieces(clause_text)):
        wanted = ("prohibition", "duty")  # "可以不考虑…吗？" turns on what binds
    in_quote = pieces(quote)
    if not wanted:
        return quote
    if len(in_quote) == 1 and forces(quote) & set(wanted) and overlap(quote, specific(words)):
        return quote
    # The quote's sentence with the force asked about and the question's words, else the clause's best.
    own = specific(words)
    quoted = [p for p in in_quote if forces(p) & set(wanted)]
    whole = [p for p in pieces(clause_text) if forces(p) & set(wanted)]
    candidates = quoted if quoted and (any(overlap(p, own) for p in quoted) or not whole) else whole
    if not candidates:
        return quote
    return max(candidates, key=lambda p: (overlap(p, own), overlap(p, words), -candidates.index(p)))


def supporting(form: QuestionForm, decisive: str, clause_text: str, words: Sequence[str]) -> tuple[str, ...]:
    """Another sentence of the clause that bears on the question, a point of its own: for an
    obligation or permission question one with the force it turns on (不得排斥 beside 同等条件下优先);
    otherwise the one sharing most question words, when it shares at least two."""
    asked = {w for w in words if len(w) > 1 and w not in GENERIC}
    others = [p for p in pieces(clause_text) if p not in decisive and len(p) > 20]  # not a heading
    if form.kind in ("obligation", "permission") and not form.excluding:
        wanted = set(_WANTED[form.kind])
        forced = [p for p in others if forces(p) & wanted and any(w in p for w in asked)]
        if forced:
            return (forced[0],)
    scored = sorted(((sum(w in p for w in asked), -i, p) for i, p in enumerate(others)), reverse=True)
    return (scored[0][2],) if scored and scored[0][0] >= 2 else ()


def conclude(form: QuestionForm, question: str, quote: str, clause_text: str, words: Sequence[str],
             words_of: WordsOf, english: bool, lead_in: str = "") -> Concluded:
    """The conclusion for ``question`` (of ``form``) answered by the clause ``clause_text``, quoted by
    ``quote``; ``words`` are the question's content words, ``words_of`` reads the words of a text.
    ``lead_in`` is the sentence that introduces a list item ("有下列情形之一的，不予补偿："): an item
    carries its force (软件类产品 is one of the cases not compensated)."""
    w = lead_templates(english)
    waived = _waived(form, clause_text, words)
    if waived:  # "新技术类有没有销售额要求？" against 新技术类项目不作销售收入要求
        return Concluded("no", w["waived"].format(c=waived[1]), waived[0], ())
    for piece in pieces(clause_text) if form.kind in _ASKS_IF else ():
        if beyond := beyond_limit(question, piece, words):  # 排第四 against 排名前三; 4% against 不超过3%: whichever sentence
            return Concluded(beyond[0], w[beyond[1]].format(c=piece.rstrip("。；;")), piece, ())
    sentence = decisive_sentence(form, quote, clause_text, words, question)
    found = forces(sentence)
    inherited = forces(lead_in) & {"prohibition", "duty", "provision"} if not found & _BINDING else frozenset()
    if "prohibition" in inherited and form.kind in _ASKS_IF and overlap(sentence, specific(words)) >= 2:
        return Concluded("no", w["not_listed"], sentence, ())  # the asker's case is one the lead-in rules out
    ruled_out = banned_case(sentence) if form.kind in _ASKS_IF and not form.excluding else ""
    if ruled_out and overlap(ruled_out, specific(words)) >= 2 and not _NOT_DONE.search(question) \
            and not past_case_unsaid(ruled_out, question):  # 证书复评、换证…不属于首次认证，不予支持: asked about 换证
        return Concluded("no", w["not_listed"], sentence, ())
    found |= inherited

    def done(kind: Conclusion, key: str, **fill: str) -> Concluded:
        return Concluded(kind, w[key].format(**fill), sentence, supporting(form, sentence, clause_text, words))

    if form.kind in _VALUE:
        kind = asked_value(question) if form.kind in ("quantity", "time") else None
        if states_value(kind, sentence) if kind is not None else _VALUE[form.kind].search(sentence):
            return done("informational", "open")
        return done("not_specified", "not_specified")
    if form.kind == "procedure":
        return done("not_specified", "not_specified")
    if form.kind in _ASKS_IF and limit_passed(question, sentence):
        return done("no", "limit_passed", c=_limiting_parts(sentence))  # "三年前认定的，还能…吗？" against 二年内
    if form.lasting and "time_limit" in found and form.kind != "obligation":
        return done("no", "not_lasting", c=_limiting_parts(sentence))  # a standing the text limits in time is not for good
    bound = found & {"duty", "prohibition", "preference"}
    if form.project == "private" and bound and "public_scope" in found:
        if form.negated and form.kind != "existence":  # "私企可以不考虑目录产品吗？": it is not bound
            return done("yes", "free_for_you", s=scope_of(sentence))
        return done("no", "not_for_you", s=scope_of(sentence))
    if form.excluding:
        banned = "prohibition" in found or "须允许" in sentence
        if form.states_ban:  # "是不是不允许排斥…？" confirms the ban
            return done("yes", "right") if banned else done("informational", "open")
        if form.kind in ("permission", "confirm", "obligation", "open"):
            return done("no", "no") if banned else done("informational", "open")
    if form.negated and form.kind in ("permission", "obligation") and found & {*_POSITIVE, "prohibition"}:
        # "可以不考虑目录产品吗？" reverses the usual answer: never a yes on a sentence that binds or offers.
        binding = form.project == "public" and bool(found & {"duty", "prohibition"})
        return done("no", "no") if binding and form.kind == "permission" else done("informational", "open")
    condition = condition_of(sentence)
    exception_applies = condition is not None and condition.kind == "exception" and stated_in(
        condition.text, question, words, words_of)
    if form.kind == "obligation":
        if exception_applies and condition is not None:
            return done("no", "exception", c=condition.text)
        case = CASE.search(sentence)  # 如允许…的 / 如果…时: a duty only in that case
        if "duty" in found and case is not None and not stated_in(case.group(0), question, words, words_of):
            if necessity_denied(case.group(0), question):  # "通用国家标准就能描述清楚" against 必须引用…才能…说明…时
                return done("no", "case_denied", c=case.group(0))
            if overlap(case.group(0), words) >= 2:  # asked about that case: required in it
                return done("conditional", "must_cond", c=case.group(0))
            return done("no", "not_must")  # asked in general: not required (only in a case)
        if "preference" in found:  # 应优先 / 同等条件下优先: a duty to prefer, not to buy or cite
            if not _PREFERRING.search(question):
                return done("no", "not_must")
            if "public_scope" not in found:  # a preference of someone else (财政部门优先支持…), not a duty of the asker
                return done("informational", "open")
            if form.project != "public":  # whose projects it binds, quoted
                return done("conditional", "must_cond", c=scope_of(sentence))
            # 同等条件下 is what "priority" means: only a claim for every purchase (in every case) turns on it
            if condition and condition.kind != "exception" and not stated_in(condition.text, question, words, words_of) \
                    and (condition.kind != "circumstance" or form.universal):
                return done("conditional", "must_cond", c=condition.text)
            return done("yes", "must")
        if "duty" in found and "prohibition" not in found and "preference" not in found:
            if condition and not stated_in(condition.text, question, words, words_of):
                if condition.kind == "exception":  # 须有一个《目录》产品，除《目录》中没有的产品外
                    return done("conditional", "must_except", c=condition.text)
                return done("conditional", "must_cond", c=condition.text)
            return done("yes", "must")
        if found & {"prohibition", "preference", "encouragement", "provision"}:
            return done("no", "not_must")
        return done("informational", "open")
    if form.kind == "confirm":
        if premise_contradicted(question, sentence):
            return done("no", "not_so")
        if not form.universal and premise_confirmed(re.split(r"[，,]", asked_sentence(question))[-1], sentence):
            return done("yes", "right")  # "当时是不是要求满3年？" against 投放市场满3年
        whole = condition_of(clause_text)
        if form.universal and (whole is not None or any(w in clause_text for w in ("退出", "部分", "会同"))):
            return done("no", "not_so")
        if _CLAIMS_AUTOMATIC.search(question) and not _STATES_AUTOMATIC.search(sentence):
            return done("no", "not_stated")  # "是不是自动就进目录了？" is confirmed only by a text that says so
    if form.kind == "open" and form.universal and "退出" in clause_text:
        return done("no", "not_so")
    if condition is not None and condition.kind == "circumstance" and _UNEQUAL.search(question) and form.kind in (*_ASKS_IF, "obligation"):
        return done("no", "unequal", c=condition.text)  # "报价比别家高，也能优先吗？": not on equal terms
    if form.kind in _ASKS_IF and ASKS_MONEY.search(asked_sentence(question)) and "provision" not in found:
        return done("not_specified", "not_specified")  # "电商平台有补贴吗？" against 鼓励…: no money is provided
    if form.kind in _ASKS_IF and (elsewhere := other_sector(sentence, question)):
        return done("no", "cond_denied", c=elsewhere)  # 做印染面料的, against …的首台（套）装备
    if form.kind in _ASKS_IF:
        # 不得排斥 answers "may we take part?" with yes — only a question about taking part.
        takes_part = takes_part_in(question) and not form.excluding
        if form.kind == "permission" and "prohibition" in found and not takes_part:
            their_case = banned_case(sentence)  # "已获得补贴的，不得再提出…": the case it bans
            if their_case and stated_in(their_case, question, words, words_of) and not _NOT_DONE.search(question) \
                    and not past_case_unsaid(their_case, question):
                return done("no", "no")  # the asker says they are in that case
            ban = find("prohibition", sentence)
            if not their_case and ban is not None and overlap(sentence[ban.end():], specific(words)) >= 2:
                return done("no", "no")  # 同一项目不得同时以新产品和新技术两个类别申报: the very act asked about
            return done("informational", "open")  # "may …?" against a 不得 sentence is never 可以
        positive = bool(found & set(_POSITIVE)) or ("prohibition" in found and "排斥" in sentence and takes_part)
        if not positive:
            return done("informational", "open")
        has = "has_" if form.kind == "existence" else ""
        # "国有企业投资的项目在不在优先采购的范围里？": asked whether it is among those covered.
        covered = form.kind == "confirm" and overlap(scope_of(sentence), words) >= 4
        blocking = condition is not None and not covered and (form.kind != "confirm" or condition.kind != "exception")
        if condition and blocking and condition.kind == "requirement" and denied_in(condition.text, question, words_of):
            return done("no", "cond_denied", c=condition.text)  # "不是政府组织的" against 省级政府层面主办或组织
        if condition and blocking and not stated_in(condition.text, question, words, words_of) and not exception_applies:
            suffix = {"requirement": "", "circumstance": "_when", "exception": "_except"}[condition.kind]
            return done("conditional", f"{has}cond{suffix}", c=condition.text)
        # "会不会被拿掉？" is answered 是的, not 可以
        return done("yes", "has" if has else ("right" if form.kind == "confirm" or "会不会" in question else "yes"))
    return done("informational", "open")


_ASKED_OF = frozenset({"要求", "条件", "门槛", "限制", "标准"})


def _waived(form: QuestionForm, clause_text: str, words: Sequence[str]) -> tuple[str, str] | None:
    """For "is there / must / is it" a requirement: the sentence of the clause, and its comma part, saying
    the thing asked about is not required (不作…要求, 不区分…), when that part names the question's own
    words (技术类 of 新技术类项目), not only 要求."""
    if form.kind not in ("existence", "obligation", "confirm") or form.negated:
        return None
    own = [x for x in specific(words) if x not in _ASKED_OF]
    for piece in pieces(clause_text):
        for part in re.split(r"(?<=[，,])", piece):
            if "waiver" in forces(part) and overlap(part, own) >= 2:
                return piece, part.strip("，,。；; ")
    return None


def _limiting_parts(sentence: str) -> str:
    """The comma parts of ``sentence`` that limit a standing in time (实施动态考评，建立退出机制), verbatim."""
    parts = [p for p in re.split(r"(?<=[，,])", sentence.rstrip("。；;")) if p]
    hits = [i for i, p in enumerate(parts) if "time_limit" in forces(p)]
    return "".join(parts[hits[0]: hits[-1] + 1]).strip("，, ") if hits else sentence.rstrip("。；;")


#: A claim that something follows by itself or in full, which only a text saying so confirms.
_CLAIMS_AUTOMATIC = re.compile(r"自动|无条件|一律|全额|全免|免费|直接就|肯定会|一定会|必定|必然|保证|\bautomatic|unconditional|in full\b|for free\b", re.IGNORECASE)
_STATES_AUTOMATIC = re.compile(r"自动|无条件|一律|全额|全部|免[费收除]|均[可应予]|直接")

#: The asker describing terms that are not equal (a higher price, other specifications).
_UNEQUAL = re.compile(r"(报价|价格|价钱|费用|技术|质量|参数)[^，。？?]{0,6}(高|贵|低|差|不如|不一样|不同)|比[^，。？?]{1,8}(高|贵|差|低)"
                      r"|更贵|贵了|高出|高了|not equal|more expensive|higher (price|bid)|pricier|costs? more", re.IGNORECASE)
_NOT_DONE = re.compile(r"(没|未|不曾|从未|还没|尚未)[^，。？?]{0,3}(拿|获|享受|领|得到|申请|用)|\b(not|never) (yet )?(received|got|claimed)",
                       re.IGNORECASE)
_PREFERRING = re.compile(r"优先|先选|先买|先用|prefer|priorit", re.IGNORECASE)  # asks about the preference itself
