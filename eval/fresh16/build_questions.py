#!/usr/bin/env python3
"""Build questions_fresh16_all.jsonl and check every gold against a parse of
notice_reference.md (and, for the category layout, the HTML page)."""
import json
import os
import re
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = "999_fresh16_district_2025"
REF = os.path.join(HERE, "notice_reference.md")
HTML = os.path.join(HERE, "corpus", DOC + ".html")
OUT = os.path.join(HERE, "questions_fresh16_all.jsonl")


# ---------------------------------------------------------------- reference
def parse_reference():
    text = open(REF, encoding="utf-8").read()
    projects = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        head, *lines = block.strip().split("\n")
        no, name = head.split(". ", 1)
        fields = {}
        for ln in lines:
            m = re.match(r"- ([^:]+): (.*)", ln)
            if m:
                fields[m.group(1)] = m.group(2)
        split = lambda s: set() if s == "无" else set(s.split("、"))
        projects[int(no)] = {
            "name": name,
            "cat": fields["类别"],
            "content": fields["主要内容及目标"],
            "lead": split(fields["牵头单位"]),
            "assist": split(fields["配合单位"]),
            "deadline": fields["完成时限"],
        }
    return projects


P = parse_reference()
assert sorted(P) == list(range(1, 31)), sorted(P)


def lead(u):
    return {n for n, p in P.items() if u in p["lead"]}


def assist(u):
    return {n for n, p in P.items() if u in p["assist"]}


def anyrole(u):
    return lead(u) | assist(u)


def cat(prefix):
    return {n for n, p in P.items() if prefix in p["cat"]}


# cross-check against the html: category header rows and project numbers
html = open(HTML, encoding="utf-8").read()
cat_rows = re.findall(r'<td colspan="5"[^>]*>([^<]+)</td>', html)
assert len(cat_rows) == 7, cat_rows
for row in cat_rows:
    m = re.match(r"(.+类)\((\d+)项\)", row)
    assert m and len(cat(m.group(1))) == int(m.group(2)), row
nos = [int(x) for x in re.findall(r'<tr><td style="text-align:center">(\d+)</td>', html)]
assert nos == list(range(1, 31)), nos

# ---------------------------------------------------------------- questions
Q = []


def add(qtype, question, gold, note, persona="resident", contains=(), refusal=False,
        history=(), conversation=None, check=None):
    gold = sorted(gold)
    if check is not None:
        assert set(gold) == set(check), (question, gold, sorted(check))
    for g in gold:
        assert g in P, g
    for c in contains:
        alts = c.split("|")
        # every answer_contains fact must appear in the reference text of a gold
        # project (or be a count / category name checked separately)
        if gold:
            blob = " ".join(P[g]["content"] + P[g]["deadline"] + P[g]["name"]
                            + "".join(P[g]["lead"]) + "".join(P[g]["assist"]) for g in gold)
            blob += html
            assert any(a in blob for a in alts), (question, c)
    obj = {
        "id": f"f16_{len(Q) + 1:03d}",
        "question": question,
        "history": list(history),
        "gold": [[DOC, g] for g in gold],
        "answer_contains": list(contains),
        "expect_refusal": refusal,
        "type": qtype,
        "persona": persona,
        "note": note,
    }
    if conversation:
        obj["conversation"] = conversation
    Q.append(obj)


# ---- topic (10)
add("topic", "跟老年人有关的实事有哪些?", [5, 10, 11, 13, 14],
    "明确以老年人为对象:流感疫苗(60岁以上)、助餐、适老化改造、养老服务中心、家庭养老床位。"
    "不含15加装电梯(未写明对象为老人)、27困难群众医保资助、9 AED。")
add("topic", "我家孩子上小学,今年跟中小学生有关的实事有哪些?", [2, 3, 4, 24],
    "课后服务和学校食堂、第二实验学校(九年一贯制)、视力脊柱筛查、校园周边交通。"
    "不含1幼儿园(学前)、30学校场地向周边居民开放(对象是居民)、9 AED(只是配置地点含学校)。")
add("topic", "医保方面今年有什么实事?", [8, 27],
    "8医保服务就近办、27困难群众参加居民医保资助。")
add("topic", "我失业了想找份工作,今年有什么实事能帮上忙?", [25, 26],
    "25新增就业/招聘会/零工市场,26补贴性职业技能培训。")
add("topic", "想在家附近打打球、锻炼身体,今年有哪些体育健身场地方面的实事?", [28, 30],
    "28社区健身路径和球场,30学校体育场地向居民开放。不含17口袋公园和绿道(园林绿化)、9 AED。")
add("topic", "食品安全方面有什么实事?", [2, 20],
    "2第2点学校食堂明厨亮灶改造,20农贸市场食品安全快检室。")
add("topic", "家里宝宝两岁,托育和上幼儿园方面今年有什么实事?", [1, 12],
    "1公办幼儿园学位,12普惠托位。")
add("topic", "周末想看看演出、去看看书,有没有文化方面的实事?", [29],
    "29公益演出和城市书房,是唯一文化类项目。")
add("topic", "退役军人有什么相关的实事吗?", [26],
    "26中含退役军人专项培训500人次;区退役军人事务局仅在26中配合。")
add("topic", "免费筛查类的实事有哪些?", [4, 7],
    "4中小学生视力和脊柱侧弯筛查,7两癌筛查。5是疫苗接种不是筛查。")

# ---- target (9)
add("target", "今年全区加装多少部电梯?", [15], "15第2点:既有住宅加装电梯40部。", contains=["40部|40"])
add("target", "我家孩子明年上幼儿园,今年有新的公办园吗?能多出多少学位?", [1],
    "1:新建、改扩建公办幼儿园3所,新增学位900个。", contains=["900"])
add("target", "老是找不到地方停车,今年新增多少个停车位?", [21], "21:新增公共停车泊位2000个。",
    contains=["2000"])
add("target", "今年要建多少个公共充电桩?", [23], "23:新建公共充电桩1000个,快充不少于400个。",
    contains=["1000"])
add("target", "老年食堂今年要建几个?老人吃饭有补贴吗?", [10],
    "10:长者食堂20个,80周岁以上每餐3元补贴。", contains=["20个|20", "3元"])
add("target", "普惠托位今年新增多少个?", [12], "12:新增普惠性托位600个。", contains=["600"])
add("target", "今年城镇新增就业的目标是多少?", [25], "25第1点:城镇新增就业1.2万人。",
    contains=["1.2万"])
add("target", "说是给居民免费装燃气报警器,一共装多少户?", [19], "19第2点:1万户。",
    contains=["1万户|1万|10000"])
add("target", "老人打流感疫苗要钱吗?", [5], "5:为60周岁以上户籍老年人免费接种。", contains=["免费"])

# ---- department (7)
add("department", "区民政局牵头的项目有哪些?", [10, 11, 13, 14, 27],
    "牵头=仅牵头。14只列区民政局一个单位(视为牵头);27为区医保分局与区民政局双牵头。",
    persona="civil_servant", check=lead("区民政局"))
add("department", "区卫健局负责哪些项目?", [4, 5, 6, 7, 9, 12],
    "无角色词=牵头或配合。5写作全称区卫生健康局;4中为配合。",
    persona="civil_servant", check=anyrole("区卫健局"))
add("department", "区住房和城乡建设局配合的项目有哪些?", [1, 6, 13, 16, 23],
    "配合=仅配合;3(双牵头)、15、19为牵头,不计。页面多数行写简称区住建局。",
    persona="civil_servant", check=assist("区住建局"))
add("department", "区卫建局牵头的项目有哪些?", [5, 6, 7, 9, 12],
    "输入笔误:区卫建局应为区卫健局/区卫生健康局;牵头=仅牵头,不含4(配合)。",
    persona="civil_servant", check=lead("区卫健局"))
add("department", "区财政局涉及哪些实事项目?", [1, 5, 10, 15, 27],
    "无角色词=牵头或配合;区财政局均为配合。正文保障措施中提到区财政局拨付资金,不是项目。",
    persona="civil_servant", check=anyrole("区财政局"))
add("department", "区市场监督管理局有哪些任务?", [2, 19, 20],
    "无角色词=全部;20写全称并牵头,2和19写简称区市场监管局并配合。",
    persona="civil_servant", check=anyrole("区市场监管局"))
add("department", "街道办事处需要配合哪些项目?", [1, 5, 6, 8, 10, 12, 15, 18, 20, 25, 28, 29],
    "配合=仅配合;页面写作各街道办事处,20写作相关街道办事处。",
    persona="civil_servant", check=assist("街道办事处"))

# ---- who (4)
add("who", "老年人免费打流感疫苗这件事是哪个部门管的?", [5], "5牵头区卫生健康局,配合区财政局、各街道。",
    contains=["卫生健康局|卫健局"])
add("who", "两癌筛查是哪个单位牵头?", [7], "7双牵头:区妇联、区卫健局。", contains=["妇联", "卫健局|卫生健康局"])
add("who", "我们这边菜市场要改造,这事归哪个部门?", [20], "20农贸市场标准化改造,牵头区市场监督管理局。",
    contains=["市场监督管理局|市场监管局"])
add("who", "第二实验学校建设由谁牵头?", [3], "3双牵头:区教育局、区住房和城乡建设局。",
    persona="civil_servant", contains=["教育局", "住房和城乡建设局|住建局"])

# ---- task_number (3)
add("task_number", "第8项是什么?", [8], "8医保服务“就近办”。", persona="civil_servant")
add("task_number", "最后一个项目是什么?", [30], "最后一项为30学校体育场地向社会开放。", persona="civil_servant")
add("task_number", "第15项什么时候完成?", [15], "15完成时限2025年12月底。", persona="civil_servant",
    contains=["12月底"])

# ---- section (4)
add("section", "交通出行类有哪几项?", [21, 22, 23, 24], "五、交通出行类(4项)。", persona="civil_servant",
    check=cat("交通出行类"))
add("section", "养老托育类都包括哪些项目?", [10, 11, 12, 13, 14], "三、养老托育类(5项)。",
    check=cat("养老托育类"))
add("section", "城市建设类的实事都有哪些?", [15, 16, 17, 18, 19, 20], "四、城市建设类(6项)。",
    persona="civil_servant", check=cat("城市建设类"))
add("section", "文体惠民这块有啥项目?", [28, 29, 30], "七、文体惠民类(3项)。", check=cat("文体惠民类"))

# ---- set_op (3)
add("set_op", "区教育局和区卫健局共同负责的项目有哪些?", [4, 9, 12],
    "两单位都出现(任意角色)的交集。", persona="civil_servant",
    check=anyrole("区教育局") & anyrole("区卫健局"))
add("set_op", "医疗健康类里,区卫健局牵头的是哪几项?", [5, 6, 7, 9],
    "医疗健康类5项中区卫健局牵头的;8由区医保分局牵头。", persona="civil_servant",
    check=cat("医疗健康类") & lead("区卫健局"))
add("set_op", "哪些项目同时涉及区住建局和街道办事处?", [1, 6, 15],
    "两单位都出现(任意角色)的交集。", persona="civil_servant",
    check=anyrole("区住建局") & anyrole("街道办事处"))

# ---- count (3)
assert len(P) == 30 and len(cat("养老托育类")) == 5
biggest = Counter(p["cat"] for p in P.values()).most_common(2)
assert "城市建设类" in biggest[0][0] and biggest[0][1] > biggest[1][1]
add("count", "今年一共办多少件民生实事?", [], "共30项。", contains=["30"])
add("count", "养老托育类有几项?", [], "三、养老托育类(5项)。", contains=["5项|5个|五项|5"])
add("count", "哪一类的项目最多?", [], "城市建设类6项,最多。", persona="civil_servant", contains=["城市建设"])

# ---- multi (3)
add("multi", "老旧小区今年改造几个?雨污分流又改几个小区?", [15, 16], "15:老旧小区12个;16:8个小区雨污分流。",
    contains=["12个|12", "8个|8"])
add("multi", "口袋公园建几个?城市书房建几个?", [17, 29], "17:口袋公园10个;29:城市书房5个。",
    contains=["10个|10", "5个|5"])
add("multi", "社区医院夜间门诊开到几点?医保服务站设在哪里?", [6, 8],
    "6:夜间门诊服务时间延长至21:00;8:设在8个街道便民服务中心。",
    contains=["21", "便民服务中心"])

# ---- followup (7 turns in 3 conversations)
h = []
for q, g, note, c in [
    ("出行方面今年有啥实事?", [21, 22, 23, 24], "出行=五、交通出行类全部4项。", []),
    ("其中第二个谁负责?", [22], "上一轮列表第二个为22公交线网优化,只列区交通局一个单位。", ["交通局"]),
    ("什么时候能完成?", [22], "22完成时限2025年9月底。", ["9月底"]),
]:
    add("followup", q, g, note, contains=c, history=h, conversation="c1")
    h = h + [q]
h = []
for q, g, note, persona in [
    ("医疗健康类前三项是什么?", [5, 6, 7], "医疗健康类第5、6、7项。", "civil_servant"),
    ("还有别的吗?", [8, 9], "医疗健康类剩余未列出的8、9。", "civil_servant"),
]:
    add("followup", q, g, note, persona=persona, history=h, conversation="c2")
    h = h + [q]
assert set(cat("医疗健康类")) == {5, 6, 7, 8, 9}
h = []
for q, g, note, c in [
    ("我们小区是老楼,能装电梯吗?", [15], "15:既有住宅加装电梯40部;具体哪些楼未写明,回答应说明此点。", ["40"]),
    ("这事归哪个部门管?", [15], "15牵头区住建局,配合区财政局、各街道办事处。", ["住建局|住房和城乡建设局"]),
]:
    add("followup", q, g, note, contains=c, history=h, conversation="c3")
    h = h + [q]

# ---- refusal (7)
add("refusal", "今年有没有发消费券的实事?", [], "页面无消费券内容。", refusal=True)
add("refusal", "区里今年有没有新修地铁线路的实事?", [],
    "无地铁建设项目;22只提到公交接驳地铁站,9提到在地铁站配AED。", refusal=True)
add("refusal", "今年民生实事总共投资多少钱?", [], "页面未给出投资金额。", persona="civil_servant", refusal=True)
add("refusal", "新建的3所公办幼儿园具体在哪儿?", [1], "1未写明幼儿园名称和位置。", refusal=True)
add("refusal", "老年助餐点在哪个小区?怎么报名?", [10], "10未写明地点和报名方式。", refusal=True)
add("refusal", "公共充电桩充电多少钱一度?", [23], "23未写明收费标准。", refusal=True)
add("refusal", "加装电梯政府给补贴多少钱?", [15], "15未写明加装电梯补贴标准。", refusal=True)

# ---------------------------------------------------------------- checks
want = {"topic": 10, "target": 9, "department": 7, "who": 4, "task_number": 3, "section": 4,
        "set_op": 3, "count": 3, "multi": 3, "followup": 7, "refusal": 7}
got = Counter(q["type"] for q in Q)
assert dict(got) == want, got
assert len(Q) == 60
assert len({q["question"] for q in Q}) == 60
for q in Q:
    if q["expect_refusal"] is False and q["type"] != "count":
        assert q["gold"], q

with open(OUT, "w", encoding="utf-8") as f:
    for q in Q:
        f.write(json.dumps(q, ensure_ascii=False) + "\n")
print("wrote", OUT, len(Q), dict(got), Counter(q["persona"] for q in Q))
