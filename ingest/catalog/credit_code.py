"""统一社会信用代码 (unified social credit code) check per GB 32100-2015.

18 characters from the code set 0-9 and A-Z without I, O, Z, S, V; the last one is a check
character: 31 − (Σ value × weight mod 31), with 31 written as 0.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码 (a Chinese message), or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误（应为 {expected}）"
    return None


def complete_code(first17: str) -> str:
    """``first17`` with its check character appended (used by the sample and benchmark generators)."""
    return first17 + check_character(first17)
