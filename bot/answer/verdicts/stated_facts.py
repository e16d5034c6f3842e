"""Facts stated in a question: 2025年3月1日认定, 国际先进, 有发明专利, 国有企业, 智能交通 ….

Only what the asker states about their own case is taken; a question such as 能列入目录吗 states
nothing. Negations (没有专利, 不是首台（套）) give false. English statements work for the common
facts. The result is raw values for :func:`knowledge.facts.parse_facts`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from bot.answer.verdicts.stated_amounts import stated_amounts
from knowledge.catalog.models import CORE_TECH_LEVELS
from knowledge.text.names import CITIES, sectors_named
from knowledge.text.numerals import cn_number

_NEGATION = re.compile(r"没有|没|无|不是|不具有|不具备|未|尚未|还没|不属于|非|不(?!仅|但|过|少|断)"
                       r"|\b(no|not|don't|do not|does not|doesn't|without|never)\b", re.IGNORECASE)
_ASKING = re.compile(r"需要|需不需要|是否|要不要|必须|才能|吗|么|算不算|能否|够不够|\b(do (we|i) need|is .* required)\b",
                     re.IGNORECASE)
_SEGMENT = re.compile(r"(?:[^，。；,;！!？?\n.]|\.(?=\d))+[，。；,;！!？?\n.]?")  # "." ends an English sentence
_NOT_YET = re.compile(r"申请|申报|准备|计划|打算|争取|希望")
_DATE = r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*(?:月\s*(?:(\d{1,2})\s*[日号])?|[\-/.]\s*(\d{1,2})\s*[日号]?|月)?"
_CERTIFIED = re.compile(r"(?:" + _DATE + r"|(\d{4})\s*年)[^，。,；;？?]{0,6}?(?:被|获)?(?:认定|列入|入选|进入|纳入|公布|评上|获评)")
#: What follows 认定/评上 when it is another programme's title (首台（套）, 优秀新产品, 高新技术企业 …).
_OTHER_TITLE = re.compile(r"\s*(?:了|为|成|成为)?\s*(?:浙江省|省级|国家级|国家)?\s*(?:首台|首套|优秀|高新|专精特新|品字标|小巨人|隐形冠军)")
_CERTIFIED_AFTER = re.compile(r"(?:认定|入选|列入)(?:日期|时间)?(?:是|为|于|在)\s*" + _DATE)
_WITHDRAWN = re.compile(r"(?:" + _DATE + r"|(\d{4})\s*年)[^，。,；;？?]{0,6}?(?:被)?(?:退出|撤销|移出)")
_EN_CERTIFIED = re.compile(r"certified (?:on|in) (\d{4})-(\d{1,2})(?:-(\d{1,2}))?", re.IGNORECASE)
_EN_LEVELS = {"international leading": "国际领先", "internationally leading": "国际领先",
              "international advanced": "国际先进", "internationally advanced": "国际先进",
              "domestic leading": "国内领先", "domestically leading": "国内领先",
              "domestic advanced": "国内先进", "domestically advanced": "国内先进"}
_LISTED = re.compile(r"(已经?|早已|已被|被)(列入|进入|入选|纳入|进了)(《?目录|(精品)?名[单录])|(列入|进入|入选|纳入|进)了(《?目录|(精品)?名[单录])|(是|属于)《?目录》?(里的|中的)?产品|在《?目录》?(里|中|内)[，。,；;]"
                     r"|is (already )?(listed )?in the catalog|listed in the catalog|catalog(ue)? product", re.IGNORECASE)
_WITHDRAWN_STATE = re.compile(r"(已经?|被)[^，。,；;？?]{0,8}?(退出|移出|撤销|撤下|撤出|撤掉|除名|摘牌|剔除|踢出|拿掉|移除)"
                              r"|已退出《?目录|was withdrawn|has been withdrawn|(was|been) (removed|delisted|taken off)",
                              re.IGNORECASE)
#: The asker describing their own product or firm as listed: 我们精品企业, 我司的目录产品, our listed product.
_SELF_LISTED = re.compile(r"(我们|我司|本公司|我公司|咱们|我们公司|我们厂)(的|这种|这样的|作为)?(一家)?(浙江制造)?(精品|目录)(企业|产品|厂家)"
                          r"|\bour (listed|catalog(ue)?) products?\b", re.IGNORECASE)
_ASKING_WORDS = re.compile(r"是不是|能不能|可不可以|会不会|有没有|也要|也得|要不要|[吗么][？?]?$|\?$|？$")
_MAYBE = re.compile(r"(会不会|会|怕|担心|可能|如果|若|假如|万一|是否|能否|能不能|不会|防止|避免|will|could|might|if)\s*$",
                    re.IGNORECASE)  # 会不会被退出: a worry, not a statement
_IP = re.compile(r"发明专利|自主知识产权|知识产权|专利", re.IGNORECASE)
_EN_IP_TERM = re.compile(r"patents?|intellectual property", re.IGNORECASE)
_BRAND_OWN = re.compile(r"自主品牌|自有品牌|own brand", re.IGNORECASE)
_BRAND_OEM = re.compile(r"贴牌|代工|\bOEM\b", re.IGNORECASE)
_BUYERS = (("国有投资为主的项目建设单位", r"国有投资为主的项目建设单位|国有投资(为主)?的?项目建设单位|国有投资为主的(项目|工程)|state-funded project owner"),
           ("政府采购单位", r"政府采购单位|采购人是政府|government purchaser"),
           ("国有企业", r"国有企业(?!投资)|国企(?!投资)|state-owned enterprise|\bSOE\b"))
_OWN_FUNDS = re.compile(r"自有资金|自筹|自己出钱|自掏腰包|own (funds|money)|privately funded", re.IGNORECASE)
_FUNDING = (("政府性投资", r"政府性投资|政府投资"), ("政府补助", r"政府补助|财政补助|建设补助|(政府|部门|财政)[^，。；;？?]{0,6}补助"),
            ("国有企业投资", r"国有企业投资|国企投资|(国有企业|国企)[^。；;？?]{0,12}(自己|自行|自主)投资|(国有企业|国企)的(项目|工程)"),
            ("公共资源交易", r"公共资源交易"),
            ("政府采购", r"政府采购(项目|的项目)|government procurement"))
_SELF_INVESTED = re.compile(r"(自己|自行|自主|集团|公司)?投资(新建|建设|兴建|建|的项目)|(自己|自行|自主)投资|自建")
_BELOW = re.compile(r"(招标金额标准|招标限额|限额标准|招标标准|公开招标数额标准|限额)以下|(未|没有?)达到?(公开)?招标|below the (tender )?threshold",
                    re.IGNORECASE)
_ABOVE = re.compile(r"(招标金额标准|招标限额|限额标准|限额)以上|above the (tender )?threshold", re.IGNORECASE)
_BRANDS = re.compile(r"(?:推荐|允许推荐|可推荐|可以推荐)了?\s*(\d+|[一二两三四五六七八九十]+)\s*个(?:以上)?(?:的)?品牌")
_EN_BRANDS = re.compile(r"(\d+) brands", re.IGNORECASE)
_INCLUDED = re.compile(r"(其中|里面|当中)(有|包括|包含|含)(一个|一家)?《?目录》?(中的|里的)?产品")
_NOT_INCLUDED = re.compile(r"(没有|不含|不包括|未包含)(一个|一家)?《?目录》?(中的|里的)?产品")
#: Whether the catalog holds the kind of product bought, as the asker says it (目录里正好有这类产品).
_HAS_CATEGORY = re.compile(r"《?目录》?(里|中|内)[^，。？?；]{0,4}(?<!没)有(这类|这种|该类|同类|这一类|此类|我们要(采购|买)的)")
_LACKS_CATEGORY = re.compile(r"《?目录》?(里|中|内)[^，。？?；]{0,6}(没有|没|无)(这类|这种|该类|同类|这一类|此类|我们要(采购|买)的|要采购的)"
                             r"|(这类|这种|该类|同类|此类|要买的|要采购的)[^，。？?；]{0,8}《?目录》?(里|中|内)?[^，。？?；]{0,4}(没有|没|无)")
_FIRST_SET = re.compile(r"首台（套）|首台套|first[- ]set", re.IGNORECASE)
_PROVINCIAL = re.compile(r"(省级政府|省政府|省经信|省里|省级)[^，。,；;]{0,8}(主办|组织|举办|办的)|provincial government", re.IGNORECASE)
_OTHER_ORGANIZER = re.compile(r"(市级|市里|市政府|县级|区里|行业协会|商会|协会|企业自己|民营)[^，。,；;]{0,8}(主办|组织|举办|办的)")
_RENOVATION = re.compile(r"(技术改造|技改)[^。；;？?]{0,12}(采购|购买|用了|使用)[^，。,；;？?]{0,6}《?目录》?产品"
                         r"|(采购|购买)[^，。,；;？?]{0,6}《?目录》?产品[^，。,；;？?]{0,6}(技术改造|技改)")
_SUPPLIER_STANDARD = re.compile(r"引用[^，。,；;？?]{0,12}(技术标准|标准)")


def _date(match: re.Match[str]) -> str:
    """YYYY-MM-DD, YYYY-MM when the day is not stated, YYYY when only the year is (groups: year,
    month, day[, day][, year alone])."""
    year, month = match.group(1), match.group(2)
    if year is None:
        return next(g for g in match.groups()[::-1] if g)  # "2014年被认定": the year alone
    day = next((g for g in match.groups()[2:] if g), None)
    return f"{year}-{int(month):02d}-{int(day):02d}" if day else f"{year}-{int(month):02d}"


_HEARSAY = re.compile(r"听说|据说|有人说|有人讲|说是|号称|传言|heard|rumou?r")


def _stated(text: str, term: re.Pattern[str], asking: re.Pattern[str] | None = None) -> bool | None:
    """What the asker states about ``term``: True, False when negated in the same clause (没有…专利,
    不属于…), None when the term only appears in a question (需要有专利吗) or not at all."""
    for segment in _SEGMENT.finditer(text):
        part = segment.group(0)
        found = term.search(part)
        if found is None:
            continue
        if part.rstrip().endswith(("？", "?")) or (asking or _ASKING).search(part) or _HEARSAY.search(part):
            continue  # asked about, or what someone else says (听说政策只管国企): not the asker's case
        return not _NEGATION.search(part[: found.start()])
    return None


def _presumed(text: str, term: re.Pattern[str]) -> bool:
    """True when the asker states ``term`` of their own case before asking ("国企的项目是不是也要…？",
    "我们精品企业能…吗？"): the term comes before the segment's asking words, not negated. A term
    only asked about ("是不是只有国企的项目…？") is not presumed."""
    for segment in _SEGMENT.finditer(text):
        part = segment.group(0)
        found = term.search(part)
        if found is None or _NEGATION.search(part[max(0, found.start() - 4): found.start()]) or _HEARSAY.search(part):
            continue
        asked = _ASKING.search(part) or _ASKING_WORDS.search(part)
        if asked is None or asked.start() >= found.end():
            return True
    return False


def _level(text: str) -> str | None:
    """The core technology level the asker states (not one asked about, not one denied)."""
    text = re.sub(r"高于国内领先(水平)?", "", text)  # the policy's threshold, not a level anyone has
    english = {spelling: level for spelling, level in _EN_LEVELS.items()}
    for segment in _SEGMENT.finditer(text):
        part = segment.group(0)
        if part.rstrip().endswith(("？", "?")) or _ASKING.search(part):
            continue
        found = [(part.find(level), level) for level in CORE_TECH_LEVELS[:4] if level in part]
        lowered = part.lower()
        found += [(lowered.find(spelling), level) for spelling, level in english.items() if spelling in lowered]
        for at, level in sorted(found):
            if not _NEGATION.search(part[:at]):
                return level
    return None


_RELATIVE_YEAR = re.compile(r"(今年|去年|前年|大前年|(\d{1,2}|[一二两三四五六七八九十])年前)(?=[^，。,；;？?]{0,6}(认定|列入|入选|进|退出|移出|撤销|评上))")
_BACK = {"今年": 0, "去年": 1, "前年": 2, "大前年": 3}


def _absolute_years(text: str, today: dt.date) -> str:
    """去年被退出 → 2025年被退出, 三年前认定 → 2023年认定 (counted from ``today``)."""
    def year(m: re.Match[str]) -> str:
        back = _BACK.get(m.group(1))
        if back is None:
            back = cn_number(m.group(2)) if not m.group(2).isdigit() else int(m.group(2))
        return f"{today.year - back}年"
    return _RELATIVE_YEAR.sub(year, text)


def extract_facts(question: str, known_sectors: Iterable[str] = (), today: dt.date | None = None) -> dict[str, Any]:
    """The facts ``question`` states, as raw values keyed by fact name (去年/三年前 counted from ``today``)."""
    text = _absolute_years(question.replace("(", "（").replace(")", "）"), today or dt.date.today())
    facts: dict[str, Any] = {}
    withdrawn = _WITHDRAWN.search(text)
    if withdrawn:
        facts.update(in_catalog=True, catalog_status="withdrawn", withdrawn_on=_date(withdrawn))
    elif any(not _MAYBE.search(text[max(0, m.start() - 5): m.start()]) for m in _WITHDRAWN_STATE.finditer(text)) \
            and ("目录" in text or "catalog" in text.lower()):
        facts.update(in_catalog=True, catalog_status="withdrawn")
    certified = _CERTIFIED.search(text) or _EN_CERTIFIED.search(text)
    if certified is not None and _NOT_YET.search(certified.group(0)):
        certified = None  # 2025年3月申请认定: not certified yet
    if certified is not None and _OTHER_TITLE.match(text, certified.end()):
        certified = None  # 去年认定了首台（套）: another programme's recognition, not the catalog's
    if certified and (not withdrawn or certified.start() != withdrawn.start()):
        facts["certified_on"] = _date(certified)
        facts.setdefault("in_catalog", True)
    elif (after := _CERTIFIED_AFTER.search(text)) is not None:
        facts["certified_on"] = _date(after)
        facts.setdefault("in_catalog", True)
    if "in_catalog" not in facts and (listed := _stated(text, _LISTED)) is not None:
        facts["in_catalog"] = listed
    elif "in_catalog" not in facts and _presumed(text, _SELF_LISTED):
        facts["in_catalog"] = True
    if (level := _level(text)) is not None:
        facts["core_tech_level"] = level
    ip = _stated(text, _IP)
    if ip is None:
        ip = _stated(text, _EN_IP_TERM)
    if ip is not None:
        facts["has_clear_ip"] = ip
    if (brand := _stated(text, _BRAND_OWN)) is not None:
        facts["own_brand"] = brand
    elif _BRAND_OEM.search(text):
        facts["own_brand"] = False
    for value, pattern in _BUYERS:  # stated (or presumed by the question), not denied (没有政府投资)
        if _stated(text, re.compile(pattern, re.IGNORECASE)) or _presumed(text, re.compile(pattern, re.IGNORECASE)):
            facts["buyer_type"] = value
            break
    for value, pattern in _FUNDING:
        if _stated(text, re.compile(pattern, re.IGNORECASE)) or _presumed(text, re.compile(pattern, re.IGNORECASE)):
            facts["project_funding"] = value
            break
    else:
        if facts.get("buyer_type") == "国有企业" and (_SELF_INVESTED.search(text) or _OWN_FUNDS.search(text)):
            facts["project_funding"] = "国有企业投资"  # 市属国企，自己投资 / 用集团自有资金: a state enterprise invests
        elif _OWN_FUNDS.search(text):
            facts["project_funding"] = "其他"  # 全是自有资金: none of the public kinds
    if _BELOW.search(text):
        facts["below_tender_threshold"] = True
    elif _ABOVE.search(text):
        facts["below_tender_threshold"] = False
    if (brands := _BRANDS.search(text) or _EN_BRANDS.search(text)) is not None:
        facts["brands_recommended"] = cn_number(brands.group(1))
    if _NOT_INCLUDED.search(text):
        facts["catalog_brand_included"] = False
    elif _INCLUDED.search(text):
        facts["catalog_brand_included"] = True
    if _LACKS_CATEGORY.search(text):
        facts["catalog_has_category"] = False
    elif _HAS_CATEGORY.search(text):
        facts["catalog_has_category"] = True
    if (first := _stated(text, _FIRST_SET)) is not None:
        facts["is_first_set_equipment"] = first
    if _PROVINCIAL.search(text):
        facts["exhibition_organizer"] = "省级政府"
    elif _OTHER_ORGANIZER.search(text):
        facts["exhibition_organizer"] = "其他"
    if _RENOVATION.search(text):
        facts["tech_renovation_project"] = True
    if (standard := _stated(text, _SUPPLIER_STANDARD, re.compile(r"吗|么|是否"))) is not None:
        facts["must_cite_supplier_standard"] = standard
    for sector in sorted(set(known_sectors), key=len, reverse=True):
        if sector and sector in text:
            facts["sector"] = sector
            break
    else:
        if named := sectors_named(text):  # "我们做印染面料的": 纺织服装, by the words people use for it
            facts["sector"] = named[0]
    for city in CITIES:
        if city in text:
            facts["region"] = f"{city}市"
            break
    facts.update(stated_amounts(text))
    return facts
