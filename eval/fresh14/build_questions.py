# -*- coding: utf-8 -*-
# Parses the notice back and derives golds from the text itself.
import re, json
DOC = "997_fresh14_bureau_2025"
TXT = open(f"/work/main/eval/fresh14/corpus/{DOC}.txt", encoding="utf-8").read()
ALIAS = {
 "办公室":"办公室",
 "组织人事处":"组织人事处","人事处":"组织人事处",
 "发展规划处":"发展规划处","规划处":"发展规划处",
 "财务处":"财务处",
 "基础教育处":"基础教育处","基教处":"基础教育处",
 "职业教育与成人教育处":"职成处","职成处":"职成处",
 "高等教育处":"高教处","高教处":"高教处",
 "教师工作处":"教师工作处","师资处":"教师工作处",
 "体育卫生与艺术教育处":"体卫艺处","体卫艺处":"体卫艺处",
 "安全稳定工作处":"安稳处","安稳处":"安稳处",
 "教育督导室":"督导室","督导室":"督导室",
 "市教育考试院":"考试院","考试院":"考试院",
 "市电化教育馆":"电教馆","电教馆":"电教馆",
 "市教育科学研究院":"教科院","市教科院":"教科院",
 "市学生资助管理中心":"资助中心",
 "政策法规处":"政策法规处",
 "各区县教育局":"各区县教育局",
}
tasks, part_of, parts = {}, {}, []
for line in TXT.splitlines():
    if re.match(r"^[一二三四五六七八九十]、", line):
        parts.append([line, []]); continue
    m = re.match(r"^(\d+)\.【(.*?)】(.*)$", line)
    if not m: continue
    n = int(m.group(1)); lead, assist = set(), set()
    for seg in m.group(2).split(";"):
        label, units = seg.split(":")
        us = [ALIAS[u] for u in re.split(r"[、,]", units)]  # KeyError if unknown
        (lead if ("牵头" in label or "责任" in label) else assist).update(us)
        assert ("牵头" in label or "责任" in label or "配合" in label or "协同" in label), label
    tasks[n] = dict(lead=lead, assist=assist, text=m.group(3))
    parts[-1][1].append(n); part_of[n] = len(parts)
N = len(tasks); assert sorted(tasks) == list(range(1, N+1))
def L(u): return {n for n,t in tasks.items() if u in t["lead"]}
def A(u): return {n for n,t in tasks.items() if u in t["assist"]}
def ALL(u): return L(u) | A(u)
def find(s): return {n for n,t in tasks.items() if s in t["text"]}

Q = []
def q(question, gold, contains=(), typ="", note="", refusal=False, history=(), conv=None):
    d = {"id": f"f14_{len(Q)+1:03d}", "question": question, "history": list(history),
         "gold": [[DOC, n] for n in sorted(gold)], "answer_contains": list(contains),
         "expect_refusal": refusal, "type": typ, "note": note}
    if conv: d["conversation"] = conv
    Q.append(d)

# ---- department (9 + 1 typo)
q("我是基础教育处的,今年我们处牵头的任务有哪些?", L("基础教育处"), [], "department", "lead=基础教育处/基教处 (full+short)")
q("财务处今年要配合哪些工作?", A("财务处"), [], "department", "assist=财务处")
q("体卫艺处今年涉及哪些任务", ALL("体卫艺处"), [], "department", "lead or assist 体卫艺处/体育卫生与艺术教育处")
q("考试院都参与了哪些事", ALL("考试院"), [], "department", "lead or assist 考试院/市教育考试院")
q("电教馆负责哪些工作?", ALL("电教馆"), [], "department", "负责 no role => lead or assist; 电教馆/市电化教育馆")
q("职业教育与成人教育处牵头的有哪几项?", L("职成处"), [], "department", "lead 职业教育与成人教育处/职成处")
q("各区县教育局需要配合落实的有哪些?", A("各区县教育局"), [], "department", "assist 各区县教育局 (never lead)")
q("鸡教处要配合的任务有哪些", A("基础教育处"), [], "unit_typo", "鸡教处 = typo of 基教处; assist=基础教育处/基教处")
q("我在人事处,我们处今年都参与哪些任务?", ALL("组织人事处"), [], "department", "人事处 = 组织人事处; lead or assist (33 written 人事处)")

# ---- task number
q("第15条讲的啥", {15}, ["500家次"], "task_number", "task 15")
p3 = parts[2][1]
q("第三部分第2项谁牵头?", {p3[1]}, ["体卫艺处|体育卫生与艺术教育处"], "task_number", f"part 三 = tasks {p3[0]}-{p3[-1]}; 2nd = {p3[1]}")
q("第30项任务的配合单位是哪些?", {30}, ["财务处", "各区县教育局"], "task_number", "task 30 assist")
p6 = parts[5][1]
q("第六部分最后一条是什么内容", {p6[-1]}, ["依法治校"], "task_number", f"part 六 last = {p6[-1]}")

# ---- section
p5 = parts[4][1]
q("教师队伍那部分有几条?", [], [f"{len(p5)}条|{len(p5)}项"], "section", f"part 五 = tasks {p5[0]}-{p5[-1]}; count => gold []")
q("第四部分有哪些任务?", parts[3][1], [], "section", "part 四")
q("学生全面健康发展这块都安排了啥", parts[2][1], [], "section", "part 三 title 促进学生全面健康发展")
q("党建那一部分具体有哪些工作", parts[0][1], [], "section", "part 一")

# ---- count
q("基础教育处一共牵头多少项任务?", [], [f"{len(L('基础教育处'))}项|{len(L('基础教育处'))}条"], "count", f"lead 基础教育处 = {sorted(L('基础教育处'))}")
q("这个分工方案总共有多少条任务?", [], [f"{N}项|{N}条"], "count", f"tasks 1..{N}")
q("各区县教育局要配合的任务有几项?", [], [f"{len(A('各区县教育局'))}项|{len(A('各区县教育局'))}条"], "count", f"assist 各区县教育局 = {sorted(A('各区县教育局'))}")

# ---- rank
units = sorted({u for t in tasks.values() for u in t["lead"] | t["assist"]})
lead_rank = sorted(((len(L(u)), u) for u in units), reverse=True)
asst_rank = sorted(((len(A(u)), u) for u in units if u != "各区县教育局"), reverse=True)
print("lead rank", lead_rank[:5]); print("assist rank", asst_rank[:5])
assert lead_rank[0][0] > lead_rank[1][0] > lead_rank[2][0]
assert asst_rank[0][0] > asst_rank[1][0]
q("哪个处室牵头的任务最多?", [], ["基础教育处|基教处", f"{lead_rank[0][0]}项|{lead_rank[0][0]}条"], "rank", str(lead_rank[:3]))
q("除了基教处,哪个处室牵头的最多?", [], ["体卫艺处|体育卫生与艺术教育处", f"{lead_rank[1][0]}项|{lead_rank[1][0]}条"], "rank", str(lead_rank[:3]))
q("不算各区县教育局的话,哪个处室当配合单位的次数最多?", [], ["财务处", f"{asst_rank[0][0]}项|{asst_rank[0][0]}条|{asst_rank[0][0]}次"], "rank", str(asst_rank[:3]))

# ---- set ops
q("基础教育处和财务处共同负责的任务有哪些?", ALL("基础教育处") & ALL("财务处"), [], "set_op", "ALL(基教处) ∩ ALL(财务处)")
q("体卫艺处牵头、但安稳处没有参与的任务有哪些?", L("体卫艺处") - ALL("安稳处"), [], "set_op", "L(体卫艺处) − ALL(安稳处); 19 excluded (安稳处 co-lead)")
q("职成处或者高教处牵头的有哪些?", L("职成处") | L("高教处"), [], "set_op", "L(职成处) ∪ L(高教处)")
q("规划处和各区县教育局都参与的有哪几条?", ALL("发展规划处") & ALL("各区县教育局"), [], "set_op", "ALL(发展规划处/规划处) ∩ ALL(各区县教育局)")

# ---- target
q("孩子明年上幼儿园,今年会多建幼儿园吗?能多出多少学位?", {7}, ["12所", "3600个"], "target", "task 7")
q("学生体质健康优良率今年定的目标是多少?", {16}, ["55%"], "target", "task 16")
q("今年全市要招多少老师?", {30}, ["1200名"], "target", "task 30")
q("学生资助资金今年大概发多少?", {38}, ["2.6亿元"], "target", "task 38")
q("校车今年换新的有多少辆?", {37}, ["60辆"], "target", "task 37")

# ---- who
q("课后服务这块是哪个处室牵头的?", {11}, ["基础教育处|基教处"], "who", "task 11 lead")
q("学校食堂提质改造归谁管?", {19}, ["体卫艺处|体育卫生与艺术教育处", "安稳处|安全稳定工作处"], "who", "task 19 two leads")
q("名师名校长培养工程谁牵头,谁配合?", {31}, ["教师工作处|师资处", "教科院|教育科学研究院"], "who", "task 31")

# ---- deadline
q("中考改革什么时候出方案?", {35}, ["9月底前"], "deadline", "task 35")
six = find("6月底前")
q("哪些工作要在6月底前完成?", six, [], "deadline", f"text search 6月底前 -> {sorted(six)} (covering notice's 6月30日 progress report is not a task)")

# ---- topic
q("今年各类学校新建、改扩建的项目都有哪些?幼儿园、中小学、职校都算", {7, 8, 23}, [], "topic", "school construction: 7 kindergartens, 8 primary/middle, 23 中职; 19 is canteen renovation, not a school")
q("跟学生锻炼身体、体质、视力有关的有哪些?", {16, 17, 22}, [], "topic", "physical: 16 体育活动/体质, 17 近视, 22 校园足球/运动会; 18 is mental, excluded by wording")
q("孩子在学校的安全,像上下学坐车、吃饭卫生、防溺水这些,今年有啥措施?", {19, 36, 37}, [], "topic", "19 食品安全, 36 校园安全/防溺水, 37 校车")
q("孩子初中毕业想读职高,今年职业教育这块有什么举措?", {23, 24, 25}, [], "topic", "中职/高职: 23 达标, 24 招生/职教高考, 25 产教融合; 28 is adult/community education, excluded")
q("孩子要上小学、初中,报名入学这块今年有什么规定?", {9, 10}, [], "topic", "9 招生入学, 10 随迁子女入学; 8 (学位扩容) not about 报名入学 rules")
q("升学考试方面今年有哪些安排?", {24, 35}, [], "topic", "24 职教高考, 35 中考")

# ---- multi
q("课后服务今年有啥新要求?另外每个学校会配心理老师吗?", {11, 18}, ["95%", "1名"], "multi", "11 + 18")
q("第8条谁牵头?新增多少义务教育学位?", {8}, ["基础教育处|基教处", "规划处|发展规划处", "1.8万个"], "multi", "task 8 two leads + target")
q("校车要更新多少辆?困难学生的资助认定什么时候完成?", {37, 38}, ["60辆", "秋季学期开学前"], "multi", "37 + 38")

# ---- conversations
c1 = ["安稳处今年牵头哪些工作?", "其中第一条谁配合?", "那督导室牵头的呢?"]
g1 = L("安稳处"); first = min(g1)
q(c1[0], g1, [], "followup", "L(安稳处/安全稳定工作处)", conv="c1")
q(c1[1], {first}, ["财务处", "各区县教育局"], "followup", f"first of previous answer = task {first}; its assist", history=c1[:1], conv="c1")
q(c1[2], L("督导室"), [], "followup", "L(督导室/教育督导室)", history=c1[:2], conv="c1")
c2 = ["孩子今年9月上初中,学校会有专门的心理老师吗?", "那近视防控呢,学校多久查一次视力?", "还有哪些是体卫艺处牵头的?"]
q(c2[0], {18}, ["1名"], "followup", "task 18", conv="c2")
q(c2[1], {17}, ["每学期"], "followup", "task 17", history=c2[:1], conv="c2")
q(c2[2], L("体卫艺处") - {17, 18}, [], "followup", "还有哪些 = L(体卫艺处) minus already shown 17, 18", history=c2[:2], conv="c2")

# ---- refusals
q("2024年霁州市教育局工作要点里课后服务参与率定的是多少?", [], [], "refusal", "other year; notice is 2025 only", refusal=True)
q("南京市教育局今年新增多少义务教育学位?", [], [], "refusal", "other city", refusal=True)
q("今年学生校服统一采购价格是多少?", [], [], "refusal", "校服 not in the plan", refusal=True)
q("普通高中今年扩招多少人?", [], [], "refusal", "only 中职招生 (24) covered; 普通高中 not", refusal=True)
q("教师职称评审今年有什么新政策?", [], [], "refusal", "职称 not in the plan", refusal=True)
q("暑期托管在哪里报名,一个月收多少钱?", {11}, [], "refusal", "11 has 暑期托管 but no place/fee", refusal=True)
q("新建的那15所中小学具体建在哪些地方?", {8}, [], "refusal", "8 gives count only, no locations", refusal=True)

# ---- metadata
q("这个通知的发文字号是多少?", [], ["霁教〔2025〕9号|霁教[2025]9号"], "metadata", "header 发文字号")

for d in Q:
    for _, n in d["gold"]: assert 1 <= n <= N
with open("/work/main/eval/fresh14/questions_fresh14_all.jsonl", "w", encoding="utf-8") as f:
    for d in Q: f.write(json.dumps(d, ensure_ascii=False) + "\n")
from collections import Counter
print(len(Q), Counter(d["type"] for d in Q))
for d in Q: print(d["id"], d["type"], d["question"], [n for _, n in d["gold"]], d["answer_contains"])
print("parts", [(p[0][:2], p[1][0], p[1][-1], len(p[1])) for p in parts])
for u in units: print(u, "L", sorted(L(u)), "A", sorted(A(u)))
