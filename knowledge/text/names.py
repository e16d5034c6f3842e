"""Enterprise and product names as people type them: normalised forms and short names.

浙江天喜厨电股份有限公司 is asked about as 天喜厨电 or 天喜; the short names come from stripping the
region prefix (浙江、杭州市、余杭区 …), the legal form (股份有限公司 …) and, for the shortest name,
a trailing trade word (科技、电器 …).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

CITIES = ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水")  # Zhejiang's 11 cities
_REGIONS = ["中国", "浙江", *CITIES, "上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安", "桐庐", "淳安", "建德", "海曙", "江北", "北仑", "镇海", "鄞州", "奉化", "余姚", "慈溪", "象山", "宁海", "鹿城", "龙湾", "瓯海", "洞头", "瑞安", "乐清", "龙港", "永嘉", "平阳", "苍南", "文成", "泰顺", "南湖", "秀洲", "海宁", "平湖", "桐乡", "嘉善", "海盐", "吴兴", "南浔", "德清", "长兴", "安吉", "越城", "柯桥", "上虞", "诸暨", "嵊州", "新昌", "婺城", "金东", "兰溪", "东阳", "义乌", "永康", "武义", "浦江", "磐安", "柯城", "衢江", "江山", "常山", "开化", "龙游", "定海", "普陀", "岱山", "嵊泗", "椒江", "黄岩", "路桥", "临海", "温岭", "玉环", "三门", "天台", "仙居", "莲都", "龙泉", "青田", "缙云", "遂昌", "松阳", "云和", "庆元", "景宁"]
_REGION_ALTERNATION = "|".join(sorted(_REGIONS, key=len, reverse=True))
_REGION_PREFIX = re.compile(rf"^(?:(?:{_REGION_ALTERNATION})(?:省|市|县|区)?)+")
_LEGAL_FORM = re.compile(
    r"(?:集团)?(?:股份)?(?:有限责任公司|有限公司|股份公司|公司)$|(?:集团|总厂|分厂|厂)$"
)
_TRADE_WORD = re.compile(
    r"(?:科技|技术|实业|控股|工业|制造|电器|电气|电子|机械|机电|设备|材料|新材料|汽车|汽配|智能|医药|生物|纺织|"
    r"服饰|家居|环保|能源|化工|化学|精工|精密|装备|通信|信息|仪表|厨电|电机)+$"
)
_SAMPLE_MARK = re.compile(r"[（(]示例[）)]|示例[·・:]?")
_PUNCT = re.compile(r"[\s\u3000·・,，.。、()（）【】\[\]《》“”\"'‘’\-—_/]+")


def normalise(text: str) -> str:
    """Width-folded, lower-cased text without spaces or punctuation (the key for exact matches)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def enterprise_core(name: str) -> str:
    """The enterprise name without sample mark, region prefix and legal form: 天喜厨电."""
    core = normalise(_SAMPLE_MARK.sub("", name))
    stripped = _REGION_PREFIX.sub("", core)
    core = stripped if len(stripped) >= 2 else core
    bare = _LEGAL_FORM.sub("", core)
    return bare if len(bare) >= 2 else core


def enterprise_aliases(name: str) -> tuple[str, ...]:
    """Forms people use for an enterprise, longest first: full name, core name, core without trade word."""
    full = normalise(_SAMPLE_MARK.sub("", name))
    core = enterprise_core(name)
    shortest = _TRADE_WORD.sub("", core)
    forms = [full, core] + ([shortest] if len(shortest) >= 2 else [])
    return tuple(dict.fromkeys(forms))


_MODEL_CODE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9\-_/.+]*)(型?)\s*")


def without_model_code(name: str) -> str:
    """The product name as written, minus a leading model code: SK-190型高压变频器 → 高压变频器.

    A code has a digit and is marked by 型, a hyphen or its length; 5G基站天线, LED灯, X光机 keep theirs.
    """
    match = _MODEL_CODE.match(name)
    if not match:
        return name
    code, marker = match.group(1), match.group(2)
    if not any(c.isdigit() for c in code) or not (marker or "-" in code or len(code) >= 4):
        return name
    rest = name[match.end():]
    return rest if len(rest) >= 2 else name


def product_core(name: str) -> str:
    """The product name without a leading model code: SK-190型高压变频器 → 高压变频器."""
    core = normalise(without_model_code(name))
    return core if len(core) >= 2 else normalise(name)


@cache
def sector_words() -> tuple[tuple[str, str], ...]:
    """(word, sector) pairs from ``sector_words.txt``, longest word first: the everyday words an asker
    uses for a product of a sector (印染面料 → 纺织服装)."""
    text = (resources.files("knowledge") / "data" / "sector_words.txt").read_text(encoding="utf-8")
    pairs = [(word, sector.strip()) for line in text.splitlines() if "=" in line and not line.startswith("#")
             for sector, words in [line.split("=", 1)] for word in words.split()]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


_BOUGHT = re.compile(r"买|购|采购|选用|用的|招标")  # a product the asker buys is not their own sector


def sectors_named(text: str) -> list[str]:
    """The sectors of the asker's own products that ``text`` names in everyday words (做印染面料的 →
    纺织服装), best match first; a product the asker buys (采购一批机器人) is not theirs."""
    out: list[str] = []
    for word, sector in sector_words():
        at = text.find(word)
        if at >= 0 and sector not in out and not _BOUGHT.search(text[max(0, at - 10): at]):
            out.append(sector)
    return out
