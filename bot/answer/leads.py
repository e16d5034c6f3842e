"""The lead sentence templates of a clause answer (the conclusion a person reads first)."""

from __future__ import annotations


def lead_templates(english: bool) -> dict[str, str]:
    """The lead sentences of a clause answer by key, in English or Chinese; ``{c}`` is a quoted condition,
    ``{s}`` a quoted scope. Templates never carry a number, date or body of their own."""
    if english:
        return {"yes": "Yes.", "has": "Yes, there is.", "must": "Yes, the policy requires it.", "right": "Yes, that is right.",
                "cond": "Yes, on this condition: “{c}”.", "has_cond": "Yes, on this condition: “{c}”.",
                "cond_when": "Yes, but only “{c}”.", "has_cond_when": "Yes, but only “{c}”.",
                "cond_except": "Yes, with an exception: “{c}”.", "has_cond_except": "Yes, with an exception: “{c}”.",
                "not_must": "No, it is not required. What the policy asks for is below.",
                "must_cond": "Only in this case is it required: “{c}”.",
                "must_except": "Yes, it is required, with an exception: “{c}”.",
                "not_listed": "No: the document rules out the case you describe (see the list below).",
                "exception": "No: the policy makes an exception for this case (“{c}”).",
                "no": "No.", "not_so": "No, the policy says otherwise.",
                "not_lasting": "No. The policy limits it: “{c}”.",
                "not_stated": "No, the policy does not say so. What it does say is below.",
                "waived": "No. The policy says: “{c}”.",
                "cond_denied": "No: it applies only to “{c}”, and you say your case is not one.",
                "limit_passed": "No. The period the policy sets has passed by what you say: “{c}”.",
                "rank_passed": "No. The policy admits only: “{c}”; by the place you state, you are outside it.",
                "window_passed": "No. The policy sets the period: “{c}”; the date you state is outside it.",
                "unequal": "No. The preference applies only “{c}”, and you describe terms that are not equal.",
                "not_for_you": "No. This requirement covers only: “{s}”.",
                "free_for_you": "Yes. This requirement covers only: “{s}”.",
                "not_specified": "The policy does not specify this. What the text does say is below.",
                "open": "According to the policy:"}
    return {"yes": "可以。", "has": "有。", "must": "是的，这是文件的要求。", "right": "是的。",
            "cond": "可以，但须符合条件：{c}。", "has_cond": "有，但须符合条件：{c}。",
            "cond_when": "可以，但仅限{c}。", "has_cond_when": "有，但仅限{c}。",
            "cond_except": "可以，但有例外：{c}。", "has_cond_except": "有，但有例外：{c}。",
            "not_must": "不是必须。文件的要求如下。", "exception": "不需要：文件对此有例外（{c}）。",
            "must_cond": "仅在以下情形下是必须的：{c}。",
            "must_except": "是的，这是文件的要求，但有例外：{c}。",
            "not_listed": "不可以。您所说的情形属于文件列明排除的情形，见下。",
            "no": "不可以。", "not_so": "不是，文件的规定不同。", "not_lasting": "不是。文件规定：{c}。",
            "not_stated": "不是，文件没有这样的规定。文件的规定如下。",
            "waived": "没有。文件规定：{c}。",
            "cond_denied": "不可以：文件的规定仅适用于{c}，而您所说的情形不在其内。",
            "limit_passed": "不能。文件规定的期限是：{c}；按您所说的时间，已超过该期限。",
            "rank_passed": "不能。文件规定：{c}；按您所说的排名，不在此范围内。",
            "window_passed": "不能。文件规定：{c}；您所说的时间不在此期间内。",
            "unequal": "不能。文件规定的优先仅限{c}，而您所说的条件并不相同。",
            "not_for_you": "不是。本文件的这项要求只针对：{s}。",
            "free_for_you": "可以。本文件的这项要求只针对：{s}。",
            "not_specified": "文件未作具体规定。文件只写到以下内容。",
            "open": "根据文件规定："}
