"""The form of a question — what kind of answer it asks for — read from the whole question.

obligation (必须/一定要/have to), permission (能不能/可以…吗/can), existence (有没有/is there),
quantity (多少/比例/how much), time (什么时候/几年/when), actor (谁/哪个部门/who), procedure
(怎么/流程/how), confirm (是不是/…吧/is it true), definition (什么是), or open. The ask usually comes
last ("我们的产品是…。能不能…？"), so the last question sentence is read first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

FormKind = Literal["obligation", "permission", "existence", "quantity", "time", "actor", "procedure", "criteria",
                   "confirm", "definition", "open"]
ProjectSide = Literal["private", "public"]

_I = re.IGNORECASE
_FORMS: tuple[tuple[FormKind, re.Pattern[str]], ...] = (
    ("actor", re.compile(r"谁|哪个部门|哪些部门|什么部门|哪个单位|哪些单位|哪家|由哪|牵头|找哪|向哪|[哪那][几两三]个?(单位|部门|机关|机构)|"
                         r"\bwho\b|which (department|agency|authority|body|office)", _I)),
    ("time", re.compile(r"什么时候|何时|哪一?年|截止|期限|多久|多长时间|有效期|几年|几月|几天|多少天|几个工作日|从哪一?天|哪天|起算|"
                        r"^\s*when\b|\bwhen (is|are|do|does|did|can|will|should|must)\b|how long|deadline|valid for\b|"
                        r"from which date|how often", _I)),
    ("quantity", re.compile(r"多少|几(个|项|成|倍|家|次|万|千|百|十)|百分之几|具体数|多大|"
                            r"(有没有|是否有|有无)[^，。？?]{0,8}(金额|比例|数额|数字|额度|上限|下限|门槛)|(什么|哪个|多大|啥)(比例|金额|额度)|电话|联系方式|地址|网址|"
                            r"how much|how many|what (\w+ ){0,2}(percentage|proportion|share|rate|amount)|percent|"
                            r"phone number|street address|e-?mail address|"
                            r"what('s| is| are)? (the )?[\w\s-]{0,30}(threshold|minimum|maximum|\bcap\b|limit)", _I)),
    ("procedure", re.compile(r"怎么(申报|申请|办|做|操作|认定|进)|如何(申报|申请|办理|认定|进入|列入)|怎样|流程|步骤|程序|手续|"
                             r"(准备|提交|需要)(哪些|什么)材料|how (do|can|should) (we|i|one|a company) (apply|get)|"
                             r"how to (apply|get)|what (steps|documents)|application process", _I)),
    ("criteria", re.compile(r"具体标准|什么标准|哪些标准|标准是什么|什么条件|哪些条件|条件是什么|什么情况下|怎么界定|如何界定|"
                            r"评分|打分|权重|评价指标|考核指标|\bcriteria\b|what conditions|under what circumstances|scoring|weights|indicators", _I)),
    ("open", re.compile(r"有(啥|什么|哪些)(好处|优惠|支持|政策|帮助|扶持|引导|方向|要求|规定|说法|安排|讲究)|哪些(好处|优惠|支持|政策|措施)|"
                        r"列(一下|出来)|什么方向|思路|是什么$|what (benefits|support|kinds?|types?|direction)|which (benefits|kinds?)",
                        _I)),
    ("obligation", re.compile(r"必须|必需|有必要|被要求|一定要|一定得|要不要|也得|也要|需不需要|是否需要|是否必须|只能|非得|非要|强制|"
                              r"有义务|硬性|必[选买用采装]|\boblige[sd]?\b|\b(do|does|did) (we|i|they|you|one|buyers?|\w+ buyers) need to\b|(?<!有)(?<!什么)(?<!哪些)要求.{0,16}(?<![什怎那这多])[吗么]|受(到)?约束|约束.{0,6}(?<![什怎那这多])[吗么]|管得(到|着)|适用于?(我们|我|本单位|我单位).{0,4}(?<![什怎那这多])[吗么]|(?<![不获取赢记懂值觉使显晓难免能])得(?!到).{0,8}(?<![什怎那这多])[吗么]|(是不是|是否|都|还|就)得(?![到了出分奖益])|(还|仍)(要|需要?)(?![求多])[^，。？?]{0,16}(?<![什怎那这多])[吗么]|需要.{0,12}(?<![什怎那这多])[吗么]|\bmust\b|have to|has to|required|obliged|obligat|"
                              r"mandatory|only (buy|purchase|choose|use)", _I)),
    ("permission", re.compile(r"能不能|可不可以|能否|可否|可以.{0,24}(?<![什怎那这多])[吗么]|能.{0,24}(?<![什怎那这多])[吗么]|允许|准不准|行不行|会不会被|"
                              r"\bcan\b|\bcould\b|\bmay\b|allowed|permitted", _I)),
    ("existence", re.compile(r"有没有|有无|是否有|有.{0,24}(?<![什怎那这多])[吗么]|会不会|享受.{0,10}(?<![什怎那这多])[吗么]|"
                             r"is there|are there|\bany\b|do(es)? .{1,40} (get|receive|have)", _I)),
    ("confirm", re.compile(r"是不是|是否|对吗|对不对|在不在|算不算|属不属于|属于.{0,16}(?<![什怎那这多])[吗么]|吧[？?]?$|对么|没错吧|是.{0,16}的(?<![什怎那这多])[吗么]|(?<![什怎那这多])[吗么嘛][？?]?$|"
                           r"is it true|\bright\?|(^|[,.;]\s*)(is|are|does|do|did|will|shall)\b", _I)),
    ("definition", re.compile(r"什么是|是什么意思|指的?是什么|指什么|什么叫|含义|what is|what are|what does .{1,40} mean",
                              _I)),
)
_EXCLUDING = re.compile(r"拒绝|排斥|排除|不让|不接受|拒之门外|限制.{0,6}(参加|投标)|不允许|取消.{0,4}资格|剔除|排挤|踢出|"
                        r"[排挡拒关踢剔挤]出?[^，。？?]{0,6}(在外|之外|外面|门外)|"
                        r"\bexclu|\brefuse|\breject|\bbar\b|\bdeny|\b(keep|kept|keeping|leave|leaving|left) .{0,30}\bout\b|shut .{0,20}out|rule .{0,20}out|"
                        r"disqualif", _I)
_CHOICE = re.compile(r"还是|\bor\b.*\?$")  # "一次全部公布，还是分几批？" asks which, claiming neither
_UNIVERSAL = re.compile(r"所有|只管|只限|只针对|仅限|都(能|可以|会|自动|算|有)|自动|只要|一律|永久|永远|一劳永逸|终身|全部|无条件|全额|全免|免费|"
                        r"一直|任何|不管|无论|直接|马上|就能|只有|一家说了算|单独|独家|只由|\bonly\b|solely|alone|"
                        r"\balways\b|automatic|\ball\b|forever|permanent|every\b|\bfull\b", _I)
# "列入以后是永久的吗？ / 能一直享受吗？": claims a standing lasts (read from the asked sentence).
_LASTING = re.compile(r"永久|永远|一直(?=都?(能|可以|享受|有效|保留|在|算|留))|终身|一劳永逸|长期有效|始终有效|一辈子|"
                      r"\bforever\b|permanent|for good|indefinitely|for life|always (be|remain|stay|valid|listed|in)\b", _I)
_PRIVATE = re.compile(r"民营|民企|私营|私企|自建|私人|自有资金|自筹|自己出钱|自掏腰包|个人|外资|老百姓|消费者|居民|private|own (funds|money)|privately", _I)
_PUBLIC = re.compile(r"国企|国有|政府采购|财政资金项目|财政拨款|财政性资金|财政出资|政府补助|建设补助|财政补助|补助资金|政府补贴|区属|市属|省属|县属|政府投资|公立|事业单位|机关|"
                     r"state-owned|\bSOE\b|government|public (funds|money|project)|state-funded", _I)
_STATES_BAN = re.compile(r"(不允许|不得|禁止|(?<![能可])不能|(?<!可)不可以|不准)[^，。？?]{0,20}(排斥|排除|拒绝)|"
                         r"(forbidden|prohibited|not allowed|banned) (for .{1,60} )?to (exclude|refuse|reject)", _I)
# "可以不考虑…吗？ / 能不买吗？": whether one may leave something undone (not 能不能, 可不可以, 不让 …).
_NEGATED = re.compile(r"(可以|能|可|能否|可否|允许)不(?![能可得让准允接])|不用|不必|无需|无须|不需要|免于|"
                      r"\b(can|may|could) (we|i|they|it|one|a \w+) (not|skip|ignore)\b|(do|does)n'?t (have|need) to|"
                      r"need not|needn't", _I)
_PREMISE = re.compile(r"(吧|对吗|对不对|没错吧|是吗|对么)[？?]?\s*$|is it true|\bright\?\s*$", _I)
_MINORITY_STATE = re.compile(r"(国有|国资|国企)[^，。？?]{0,6}(只占|仅占|才占|占)\s*[一二两三四1-4]成|(国有|国资)[^，。？?]{0,6}(不到|不足|少于)(一半|半数|50%)|"
                             r"(大头|多数|大部分|主要)(是|为|都是)?(民营|私人|社会)(资本|资金)|(民营|社会)资本为主", _I)
_DENIED = re.compile(r"(没有|没|不是|并非|非|无|未|\bno|\bnot|without)\s*$", _I)  # 没有政府投资: not public
_ASK_SENTENCE = re.compile(r"[^。！!？?；;]*[？?]|[^。！!？?；;]+$")


@dataclass(frozen=True)
class QuestionForm:
    """What a question asks for."""

    kind: FormKind
    excluding: bool = False  # asks whether someone may exclude / refuse / keep out
    states_ban: bool = False  # the question itself states the ban ("是不是不允许排斥…？")
    universal: bool = False  # claims something holds for all, always, automatically
    project: ProjectSide | None = None  # the asker's project, when the question says so
    negated: bool = False  # asks whether something may be left undone (可以不…吗？ / 不用…吗？)
    lasting: bool = False  # claims a standing lasts for good (永久 / 一直 / forever)


def _asked(text: str) -> list[str]:
    parts = [m.group(0) for m in _ASK_SENTENCE.finditer(text) if m.group(0).strip()]
    return [p for p in parts if p.rstrip().endswith(("？", "?"))] or parts[-1:] or [text]


def asked_sentence(text: str) -> str:
    """The sentence that asks (the last one ending in ？/?; English sentences end at ". " too)."""
    last = _asked(text)[-1]
    return re.split(r"(?<=[a-z0-9)])\.\s+", last)[-1] if last.isascii() else last


def question_parts(text: str) -> list[str]:
    """The separate questions of a multi-part question (each ending in ？/?); one part otherwise."""
    parts = [p.strip() for p in _asked(text) if p.strip()]
    return parts if len(parts) > 1 else [text]


_VALUE_FORMS = ("actor", "time", "quantity", "procedure", "criteria")


_TAKES_PART = re.compile(r"(?<![不没别])(参加|参与|投标|竞标|参投)|participat|\bbid\b|take part", _I)
_STATES_FIGURE = re.compile(r"\d+\s*(年|个|项|万|%|天)|[一二两三四五六七八九十]\s*(年|个|项|万|天)|"
                            r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)[- ](years?|months?|days?|percent)\b", _I)
_YES_NO = re.compile(r"是不是|是否|对吗|对不对|吧[？?]?$|(^|[.!?;]\s+)(is|are|does|do|will|can|was|were)\b", _I)


def _kind_of(part: str) -> FormKind | None:
    """The form of one question sentence: a value asked in any of its clauses, else its last clause that
    has a form ("讨论要不要拿掉，想确认：有没有依据？" asks whether there is a basis), else the first form
    anywhere in it."""
    clauses = [c for c in re.split(r"[，,：:]", part) if c.strip()]
    kinds = [next((k for k, pattern in _FORMS if pattern.search(c)), None) for c in clauses]
    # "有效期是不是3年？ / Is it valid for three years?" states the value and asks to confirm it
    kinds = ["confirm" if k in ("time", "quantity") and _STATES_FIGURE.search(c) and _YES_NO.search(c) else k
             for k, c in zip(kinds, clauses, strict=True)]
    value = next((k for k in kinds if k in _VALUE_FORMS), None)  # "达到几个时，才必须…？" asks the number
    last = next((k for k in reversed(kinds) if k is not None), None)
    return value or last or next((k for k, pattern in _FORMS if pattern.search(part)), None)


def read_form(text: str) -> QuestionForm:
    """The form of ``text``: its last question sentence decides; the whole text when that one is silent."""
    asked = _asked(text)
    kinds = [_kind_of(part) for part in asked]
    value = next((k for k in kinds if k in _VALUE_FORMS), None)  # "…能拿吗？具体多少？": the value is asked
    kind: FormKind
    if value is None and _PREMISE.search(asked[-1]):  # "…是从申报之日算的吧？": checks a premise
        kind = "confirm"
    else:
        found = value or kinds[-1]
        kind = found if found is not None else next((k for k, pattern in _FORMS if pattern.search(text)), "open")
    minority = bool(_MINORITY_STATE.search(text))  # 国有资本只占三成: not 国有投资为主
    private = bool(_PRIVATE.search(text)) or minority
    public = any(not _DENIED.search(text[max(0, m.start() - 4): m.start()]) for m in _PUBLIC.finditer(text))
    project: ProjectSide | None = "private" if private and (minority or not public) else \
        "public" if public and not private else None
    # "招标人说没业绩不让投，我们能不能参加投标？" tells of an exclusion but asks whether it may take part
    asking = [c for c in re.split(r"[，,：:]", asked[-1]) if c.strip()][-1:] or [asked[-1]]
    excluding = bool(_EXCLUDING.search(text)) and not (_TAKES_PART.search(asking[0]) and not _EXCLUDING.search(asking[0]))
    return QuestionForm(kind, excluding, bool(_STATES_BAN.search(text)),
                        bool(_UNIVERSAL.search(text)) and not _CHOICE.search(asked[-1]), project, negated=bool(_NEGATED.search(asked[-1])), lasting=bool(_LASTING.search(asked[-1])))
