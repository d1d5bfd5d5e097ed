"""Personal data out of what the web app writes: phone, ID card and house numbers and e-mail addresses masked.

People type their own details into public chats; the audit log and the feedback file keep the question, so each
is masked here before it is written. The street or estate name stays (it says where, not who); the door number,
building, unit and room go.
"""

from __future__ import annotations

import re

_NUM = "[0-90-9一二三四五六七八九十百零〇两]+"
# Order matters: an ID card number contains phone-like runs of digits, an e-mail may contain digits.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[邮箱]"),
    (re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])"), "[身份证号]"),
    # mobiles, with or without +86 and separators: 138 1234 5678, +86-13812345678
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"), "[电话]"),
    # landlines with an area code: 025-84521234, (025)84521234, 02584521234
    (re.compile(r"(?<!\d)(?:\(0\d{2,3}\)\s?|0\d{2,3}[- ]?)\d{7,8}(?!\d)"), "[电话]"),
    # a door number after a street: 中山北路88号, 幸福里12-3号; then building, unit, room
    (re.compile(rf"(?<=[路街巷弄道里村]){_NUM}(?:[-之]{_NUM})*号(?:院|楼)?"
                rf"(?:{_NUM}(?:号楼|栋|幢|座|单元|楼|层|室|户))*"), "[门牌号]"),
    # building/unit/room without a street: 3栋2单元502室, 5号楼301室
    (re.compile(rf"{_NUM}(?:号楼|栋|幢)(?:{_NUM}(?:单元|楼|层|室|户|号))*(?:{_NUM}(?!\d))?"), "[门牌号]"),
    (re.compile(rf"(?<!\d){_NUM}单元{_NUM}(?:室|户|号)?"), "[门牌号]"),
    (re.compile(r"(?<!\d)\d{3,4}室"), "[门牌号]"),
)


def mask(text: str) -> str:
    """The text with phone numbers, ID card numbers, e-mail addresses and house numbers replaced by a label."""
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def bounded(text: str, limit: int) -> str:
    """Masked, at most `limit` characters (then "…"), and writable as UTF-8 (lone surrogates become "?")."""
    # mask before cutting, so a number cut in half at the limit is not kept half-visible
    masked = mask(text[: limit + 64])
    cut = masked[:limit] + ("…" if len(text) > limit or len(masked) > limit else "")
    return cut.encode("utf-8", "replace").decode("utf-8")
