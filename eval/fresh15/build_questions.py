#!/usr/bin/env python3
"""Build questions_fresh15_all.jsonl; every gold is checked against a parse of notice_reference.md."""
import collections, json, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = "998_fresh15_city_2025"

# ---------- parse reference table ----------
ROWS = {}
for line in open(os.path.join(HERE, "notice_reference.md"), encoding="utf-8"):
    m = re.match(r"\| (\d+) \| (.+?) \| (.+?) \| (.*?) \| (.*?) \| (.*?) \| (.*?) \|$", line.rstrip("\n"))
    if not m:
        continue
    n = int(m[1])
    ROWS[n] = dict(part=m[2], text=m[3], lead=[u for u in m[4].split("、") if u],
                   assist=[u for u in m[5].split("、") if u], deadline=m[6])
assert sorted(ROWS) == list(range(1, 45)), sorted(ROWS)
PARTS = list(dict.fromkeys(r["part"] for r in ROWS.values()))
UNITS = sorted({u for r in ROWS.values() for u in r["lead"] + r["assist"]})


def unit(role, name):
    assert name in UNITS, name
    out = set()
    for n, r in ROWS.items():
        if role in ("lead", "all") and name in r["lead"]:
            out.add(n)
        if role in ("assist", "all") and name in r["assist"]:
            out.add(n)
    return out


def part(i):
    return {n for n, r in ROWS.items() if r["part"] == PARTS[i]}


def row_blob(n):
    r = ROWS[n]
    return r["text"] + "、".join(r["lead"] + r["assist"]) + r["deadline"]


lead_count = collections.Counter(u for r in ROWS.values() for u in r["lead"])
assist_count = collections.Counter(u for r in ROWS.values() for u in r["assist"])

# ---------- questions ----------
Q = []


def q(qtype, question, gold, check=None, contains=(), refusal=False, note="", history=(), conv=None):
    gold = sorted(gold)
    if check is not None:
        assert set(gold) == set(check), (question, gold, sorted(check))
    for g in gold:
        assert g in ROWS
    # every answer_contains alternative group must be supported by the gold rows (if any)
    if gold and not refusal:
        blob = "".join(row_blob(g) for g in gold)
        for c in contains:
            assert any(alt in blob for alt in c.split("|")), (question, c)
    d = {"id": f"f15_{len(Q) + 1:03d}", "question": question, "history": list(history),
         "gold": [[DOC, g] for g in gold], "answer_contains": list(contains),
         "expect_refusal": refusal, "type": qtype, "note": note}
    if conv:
        d["conversation"] = conv
    Q.append(d)


# department (9)
q("department", "市发改委牵头的任务有哪些?", [1, 6, 7, 15, 28, 32], unit("lead", "市发改委"),
  note="牵头=lead only;含责任单位行首位(1,7,15,28)和明确标注牵头单位(6,32)")
q("department", "市住房和城乡建设局今年负责哪些工作", [7, 23, 24, 25, 26, 30, 32, 36, 39], unit("all", "市住建局"),
  note="无角色词=牵头或配合;文中全称(24)与简称市住建局混写")
q("department", "市卫建委今年有哪些活儿要干", [37, 38, 39, 40, 43], unit("all", "市卫健委"),
  note="输入笔误:卫建委=市卫健委;38中写作全称市卫生健康委员会;39为明确配合单位")
q("department", "医保局配合的有哪几项?", [37], unit("assist", "市医保局"),
  note="配合=assist only;38医保局是牵头(全称市医疗保障局),不算")
q("department", "帮我列一下市财政局作为配合单位参与的所有任务,我要做个台账", [1, 3, 10, 12, 14, 18, 19, 22, 23, 27, 35, 36, 38, 41],
  unit("assist", "市财政局"), note="assist only;2号财政局为首位=牵头,不算;19为明确配合单位")
q("department", "数据局都管些什么", [11, 17], unit("all", "市数据局"), note="两项均为牵头")
q("department", "市市场监督管理局涉及哪些任务", [3, 16, 17, 43], unit("all", "市市场监管局"),
  note="全称提问;16原文为全称,3/17/43原文为简称市市场监管局")
q("department", "我们是开发区管委会的,这个方案里面有我们什么事", [9, 13, 21], unit("all", "各开发区管委会"),
  note="各开发区管委会均为配合;13中跨行折行为“各\\n开发区管委会”")
q("department", "人社局有哪些任务,牵头配合都算上", [13, 35, 41], unit("all", "市人社局"),
  note="13原文全称市人力资源和社会保障局(明确配合单位)")

# topic (7)
q("topic", "跟养老有关的事有哪些", [39], note="39养老服务体系。未收:23加装电梯(未说明面向老人)、38医保(非养老专项)、41低保救助")
q("topic", "我家老人看病报销能多报吗", [38], contains=["70%"],
  note="医保报销=38(住院报销比例稳定在70%左右、门诊慢特病扩至60种);方案未写“多报”,回答应如实给出70%左右而非承诺提高。37为医疗服务能力,不涉报销,不收")
q("topic", "孩子上学和托育这块今年有什么安排?", [36, 40],
  note="36教育、40托育。未收:43学校食堂明厨亮灶(食品安全任务,仅顺带提学校)、35高校毕业生就业")
q("topic", "住房方面有哪些举措", [23, 24],
  note="23老旧小区改造/加装电梯、24城中村改造与保障房/租赁补贴。未收:26地下管网、7住宅小区充电设施(充电任务)")
q("topic", "搞科技创新的,比如高新企业、研发平台这些,方案里怎么说的", [12, 13],
  note="12科技创新主体/研发投入、13科创走廊研发平台。未收:11数字经济、9产业链强链(产业类)")
q("topic", "空气质量和河流水质方面定了哪些目标", [30, 31],
  note="30蓝天、31碧水。未收:27(2)农村生活污水治理率(乡村振兴子项,非水质目标)、34固废")
q("topic", "小企业贷款难 有没有相关支持", [19],
  note="19普惠小微贷款/产业引导基金。未收:2专项债(政府融资)、22减税降费(非融资)")

# target (6)
q("target", "今年新增多少个充电桩", [7], contains=["3000"], note="公共充电桩3000个")
q("target", "老旧小区今年改多少个?", [23], contains=["86"], note="86个,惠及2.1万户")
q("target", "城镇新增就业目标多少人", [35], contains=["4.5万"], note="4.5万人")
q("target", "全社会研发投入强度要达到多少", [12], contains=["2.6%"], note="2.6%")
q("target", "养老床位打算新增几张", [39], contains=["1500"], note="1500张")
q("target", "PM2.5要控制在多少以内", [30], contains=["30微克"], note="30微克/立方米")

# who (4)
q("who", "城中村改造谁牵头", [24], contains=["住建局|住房和城乡建设局"],
  note="24责任单位行首位为全称市住房和城乡建设局")
q("who", "高标准农田建设那项,哪些单位配合?", [14], contains=["水利局"],
  note="配合:市财政局、市自然资源和规划局(原文写作市自然资源规划局)、市水利局、各区县政府;责任单位行跨行折行")
q("who", "跨境电商归谁管", [21], contains=["商务局"], note="首位市商务局牵头,澄州海关、各开发区管委会配合")
q("who", "新增光伏装机那个任务,谁牵头谁配合", [32], contains=["发改委"],
  note="明确标注:牵头市发改委;配合市工信局、市住建局、国网澄州供电公司")

# task_number (4)
q("task_number", "第12项讲的什么", [12], note="强化企业科技创新主体地位")
q("task_number", "最后一项谁负责?", [44], contains=["公安局"], note="最后一项为44,市公安局牵头")
q("task_number", "第二十六条的责任单位是哪些", [26], contains=["住建局"], note="26地下管网;页面内无跨页")
q("task_number", "第1项任务要完成投资多少", [1], contains=["1150亿"], note="完成年度投资1150亿元以上")

# section (4)
q("section", "第三部分有哪些任务", sorted(part(2)), part(2), note="三、深化改革扩大开放:17-22;标题在第6页中部,紧接16之后;18起新页")
q("section", "加强生态环境保护这一块都有啥", sorted(part(4)), part(4), note="五、30-34")
q("section", "民生那部分列一下", sorted(part(5)), part(5), note="六、切实保障和改善民生:35-44;标题在页首")
q("section", "第二大部分现代化产业体系里面包括哪些工作", sorted(part(1)), part(1),
  note="二、9-16;标题位于第3页页尾,9在第4页;13的单位行跨页")

# set_op (4)
q("set_op", "市发改委和市财政局都参与的任务有哪些", [1, 2, 19, 36],
  unit("all", "市发改委") & unit("all", "市财政局"), note="交集,任一角色;2中发改委为全称")
q("set_op", "商务局负责的任务里,哪些市场监管局不参与?", [4, 8, 15, 20, 21],
  unit("all", "市商务局") - unit("all", "市市场监管局"), note="商务局全部任务{3,4,8,15,20,21}去掉3")
q("set_op", "民生部分里财政局参与了哪些", [35, 36, 38, 41],
  unit("all", "市财政局") & part(5), note="部分六∩市财政局")
q("set_op", "住建和城管两家都要参与的有哪几项", [25, 26],
  unit("all", "市住建局") & unit("all", "市城管局"), note="33为市城市管理局全称但住建不在其中")

# count (3)
assert len(ROWS) == 44
q("count", "这个方案一共多少项任务", [], contains=["44"], note="1-44连续编号")
assert lead_count["市生态环境局"] == 2
q("count", "市生态环境局牵头几项?", [], contains=["2项|两项|2个|两个|2条|两条"], note="30、31;27、34为配合")
n_dl = sum(1 for r in ROWS.values() if r["deadline"])
assert n_dl == 9
q("count", "有多少项写明了完成时限", [], contains=["9项|九项|9个|九个|9条|九条"],
  note="2,3,7,11,15,17,23,33,36")

# rank (2)
top = lead_count.most_common(2)
assert top[0][0] == "市发改委" and top[0][1] > top[1][1]
q("rank", "哪个部门牵头的任务最多", [], contains=["发改委|发展和改革委员会"], note=f"市发改委牵头{top[0][1]}项,次多{top[1]}")
dept_assist = [(u, c) for u, c in assist_count.most_common() if u.startswith("市")]
assert dept_assist[0][0] == "市财政局" and dept_assist[0][1] > dept_assist[1][1]
q("rank", "市直部门里头,当配合单位次数最多的是哪个", [], contains=["财政局"],
  note=f"市财政局配合{dept_assist[0][1]}项;各区县政府也是14项但不是市直部门;次多{dept_assist[1]}")

# multi (3)
q("multi", "5G基站今年新建多少个?另外算力调度中心是哪个单位负责的", [11], contains=["1800", "数据局"],
  note="11(1)1800个;11(2)算力调度中心,牵头市数据局;(3)子项跨页")
q("multi", "养老床位和托育托位分别新增多少", [39, 40], contains=["1500", "2000"], note="39:1500张;40:2000个")
q("multi", "市教育局牵头哪些,市医保局牵头哪些", [36, 38], unit("lead", "市教育局") | unit("lead", "市医保局"),
  note="教育局牵头36;医保局牵头38(原文全称市医疗保障局)")

# followup (7 turns)
h = []
for qq, g, chk, cont, ref, note in [
    ("市住建局牵头的任务有哪些", [23, 24, 26], unit("lead", "市住建局"), [], False, "23、24(全称)、26"),
    ("其中第二项谁配合", [24], None, ["自然资源和规划局|自然资源规划局"], False, "第二项=24;配合市自然资源和规划局、市发改委"),
    ("那它什么时候完成", [24], None, [], True, "24未写完成时限,应说明未明确,不得编造"),
]:
    q("followup", qq, g, chk, cont, ref, note, h, "c1"); h = h + [qq]
h = []
for qq, g, chk, note in [
    ("文广旅局牵头的任务", [5, 42], unit("lead", "市文广旅局"), "5(全称)、42"),
    ("还有哪些是它参与的", [4, 8], unit("all", "市文广旅局") - {5, 42}, "已列出5、42,剩余配合的4、8"),
]:
    q("followup", qq, g, chk, [], False, note, h, "c2"); h = h + [qq]
h = []
for qq, g, cont, note in [
    ("第7项是什么", [7], [], "充电基础设施建设"),
    ("那它什么时候完成", [7], ["11月底"], "完成时限:2025年11月底前"),
]:
    q("followup", qq, g, None, cont, False, note, h, "c3"); h = h + [qq]

# refusal (7)
q("refusal", "轨道交通1号线二期总投资多少钱?", [25], refusal=True, note="25只写开工建设,未写投资额")
q("refusal", "市人民医院新院区具体在哪个位置", [37], refusal=True, note="37未给地址")
q("refusal", "今年新建的城市书房具体建在哪些街道", [42], refusal=True, note="42只写数量20个,未写地点")
q("refusal", "澄州明年房价会涨吗", [], refusal=True, note="方案不涉及房价预测")
q("refusal", "关于养犬管理有什么规定", [], refusal=True, note="方案未涉及")
q("refusal", "现在的市长叫什么名字", [], refusal=True, note="通知未出现任何人名")
q("refusal", "高铁站什么时候开建", [], refusal=True, note="方案无高铁站任务(25为轨道交通1号线,不是高铁)")

# ---------- sanity ----------
cnt = collections.Counter(x["type"] for x in Q)
expected = dict(department=9, topic=7, target=6, who=4, task_number=4, section=4, set_op=4,
                count=3, rank=2, multi=3, followup=7, refusal=7)
assert cnt == expected, cnt
assert len(Q) == 60
with open(os.path.join(HERE, "questions_fresh15_all.jsonl"), "w", encoding="utf-8") as f:
    for x in Q:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")
print(len(Q), dict(cnt))
print("units:", len(UNITS), "lead top:", lead_count.most_common(3), "assist top:", assist_count.most_common(3))
