"""The parse report `assistant add` and `assistant index` print per notice: the layout found, how many items have
units, which fields were read, and what looks wrong (items without units, gaps in numbering, tables not read)."""

from __future__ import annotations

from ..records import Notice

RULES = {
    "first_is_lead": "列第一位的为牵头单位",
    "responsible_is_lead": "无牵头单位的,责任单位即为牵头单位",
}


def parse_report(notice: Notice, file_name: str = "") -> str:
    """A few lines in Chinese for the person who loads the notice."""
    info = notice.info
    identity = notice.identity
    title = identity.short_title or notice.plan_title or notice.meta.title or notice.doc_id
    where = "、".join(x for x in (identity.place, f"{identity.year}年" if identity.year else "") if x) or "未识别"
    with_units = sum(1 for t in notice.tasks if t.units)
    units = {u.name for t in notice.tasks for u in t.units}
    lines = [f"《{title}》({file_name or notice.doc_id};地区和年份:{where})"]
    lines.append(f"  版式:{info.layout or '未识别'}")
    lines.append(f"  条目 {len(notice.tasks)} 项({len(notice.sections)} 个部分),有单位的 {with_units} 项,"
                 f"单位 {len(units)} 个")
    fields = [label for label, value in (("文号", notice.meta.doc_number), ("发布机构", notice.meta.publisher),
                                         ("印发单位", notice.covering.issuer), ("印发日期", notice.covering.date))
              if value]
    leaders = sum(1 for t in notice.tasks if t.leader)
    deadlines = sum(1 for t in notice.tasks if t.deadline)
    fields += [f"{label} {n} 项" for label, n in (("责任领导", leaders), ("完成时限", deadlines)) if n]
    lines.append(f"  读到的字段:{'、'.join(fields) if fields else '无'}")
    if info.unit_sources:
        lines.append("  单位来源:" + "、".join(f"{source} {n} 项" for source, n in info.unit_sources))
    if info.role_rule:
        lines.append(f"  责任单位的读法:{RULES.get(info.role_rule, info.role_rule)}")
    if info.corrections:
        lines.append(f"  已应用更正文件:{info.corrections}")
    if info.unified:
        lines.append("  同一单位的不同写法,按一个单位统计:"
                     + ";".join(" = ".join((kept, *others)) for kept, others in info.unified))
    lines += [f"  提示:{w}" for w in info.warnings]
    return "\n".join(lines)
