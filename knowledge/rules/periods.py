"""Periods counted the way 《中华人民共和国民法典》 counts them (第二百零一条至第二百零三条).

- 第二百零一条: a period in years or months starts counting on the day after the starting day
  (the starting day itself is not counted).
- 第二百零二条: it ends on the corresponding day of the last month; when that month has no such
  day, on the month's last day.
- 第二百零三条: the last day ends at 24:00. When the last day is a statutory holiday, the period
  runs to the day after the holiday. There is no holiday calendar here, so a verdict states the
  computed day and adds that note instead of moving the day.
"""

from __future__ import annotations

import calendar
import datetime as dt

HOLIDAY_NOTE = "如期间最后一日为法定休假日，依《民法典》第二百零三条顺延至休假日结束的次日。"


def period_end(start: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """The last day of a period of ``years``/``months`` counted from ``start``: certified 2025-03-01 →
    2027-03-01 for two years; 2024-02-29 → 2026-02-28 (no 29 February then)."""
    total = start.year * 12 + (start.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)
