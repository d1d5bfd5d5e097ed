# -*- coding: utf-8 -*-
"""Re-read the generated docx table and compute unit/role sets for gold checking."""
import re, collections, sys
from docx import Document

ALIAS = {
    "党政综合办公室": "党政办", "经济发展办公室": "经发办", "农业农村服务中心": "农服中心",
    "村镇建设管理办公室": "村建办", "社会事务办公室": "社事办", "综合行政执法队": "执法队",
    "应急管理办公室": "应急办", "生态环境保护办公室": "生态环境办", "党建工作办公室": "党建办",
    "社会治理综合服务中心": "综治中心", "综合文化站": "文化站", "镇卫生院": "卫生院",
    "镇中心学校": "中心学校", "各村（社区）": "各村",
}

def units(cell):
    parts = [p.strip() for p in re.split(r"[、\n]", cell) if p.strip()]
    return [ALIAS.get(p, p) for p in parts]

def load(path="corpus/996_fresh13_town_2025.docx"):
    t = Document(path).tables[0]
    rows = []
    for r in t.rows[1:]:
        c = [x.text for x in r.cells]
        rows.append(dict(n=int(c[0]), cat=c[1], task=c[2], leader=c[3],
                         lead=units(c[4]), assist=units(c[5]), deadline=c[6]))
    return rows

if __name__ == "__main__":
    rows = load()
    lead = collections.defaultdict(list); assist = collections.defaultdict(list)
    for r in rows:
        for u in r["lead"]: lead[u].append(r["n"])
        for u in r["assist"]: assist[u].append(r["n"])
    for u in sorted(set(lead) | set(assist), key=lambda u: -(len(lead[u]) + len(assist[u]))):
        inv = sorted(set(lead[u]) | set(assist[u]))
        print(f"{u}: lead={lead[u]} assist={assist[u]} involved({len(inv)})={inv}")
    print()
    print("lead counts:", sorted(((len(v), k) for k, v in lead.items()), reverse=True)[:5])
    print("assist counts:", sorted(((len(v), k) for k, v in assist.items()), reverse=True)[:5])
    lc = collections.Counter(re.sub(r"（.*", "", r["leader"]) for r in rows)
    print("leaders:", lc.most_common())
    print("two leads:", [r["n"] for r in rows if len(r["lead"]) > 1])
    print("deadlines:", collections.Counter(r["deadline"] for r in rows).most_common())
    for d in ["全年", "长期坚持", ""]:
        print(repr(d), [r["n"] for r in rows if r["deadline"] == d])
    print("empty assist:", [r["n"] for r in rows if not r["assist"]])
    print("cats:", collections.Counter(r["cat"] for r in rows))
