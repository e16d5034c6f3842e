"""Chinese numerals as people and documents write them: 三, 十二, 二十, 一百零五, 两, and years 二〇一三."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}


def cn_number(numeral: str) -> int:
    """The value of a numeral below 1000 written in Chinese (一, 十二, 二十, 一百零五) or Arabic digits,
    or a year written digit by digit (二〇一三 → 2013); 0 when it is not a numeral."""
    numeral = numeral.strip()
    if not numeral:
        return 0
    if numeral.isdigit():
        return int(numeral)
    if len(numeral) > 1 and all(c in _DIGITS for c in numeral):  # digit by digit: 二〇一三
        return int("".join(str(_DIGITS[c]) for c in numeral))
    total, current = 0, 0
    for char in numeral:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return 0
    return total + current


def cn_ordinal(value: int) -> str:
    """The Chinese numeral for 0–99 (十一, 二十三), as used in 第X款."""
    if value < 10:
        return "零一二三四五六七八九"[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else "零一二三四五六七八九"[tens]) + "十" + ("" if ones == 0 else "零一二三四五六七八九"[ones])
