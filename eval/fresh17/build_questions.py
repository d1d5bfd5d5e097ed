# -*- coding: utf-8 -*-
"""Write questions_fresh17_all.jsonl and check golds against a parse of notice_reference.md.

Run: /work/main/.venv/bin/python build_questions.py
"""
import json
import os
import re
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = "989_fresh17_county_2025"
REF = os.path.join(HERE, "notice_reference.md")
OUT = os.path.join(HERE, "questions_fresh17_all.jsonl")


# ---------------------------------------------------------------- reference parse
def parse_ref():
    rows = {}
    for line in open(REF, encoding="utf-8"):
        m = re.match(r"^\| (\d+) \| (.+?) \| (.+?) \| (.+?) \| (.*?) \| (.*?) \|$", line.rstrip("\n"))
        if not m:
            continue
        n = int(m.group(1))
        split = lambda s: [u for u in s.strip().split("、") if u]
        rows[n] = dict(part=m.group(2), group=m.group(3), text=m.group(4),
                       lead=split(m.group(5)), assist=split(m.group(6)))
    assert sorted(rows) == list(range(1, len(rows) + 1)), "numbering must be continuous"
    return rows


R = parse_ref()
CN = "一二三四五六七八九十"


def unit(u, role="all"):
    out = []
    for n, r in R.items():
        if role == "lead" and u in r["lead"]:
            out.append(n)
        elif role == "assist" and u in r["assist"]:
            out.append(n)
        elif role == "all" and (u in r["lead"] or u in r["assist"]):
            out.append(n)
    return out


def part(p):
    return [n for n, r in R.items() if r["part"].startswith(CN[p - 1] + "、")]


def group(p, g):
    return [n for n in part(p) if R[n]["group"].startswith("（" + CN[g - 1] + "）")]


def group_by_title(words):
    return [n for n, r in R.items() if words in r["group"]]


def part_by_title(words):
    return [n for n, r in R.items() if words in r["part"]]


def unitless():
    return [n for n, r in R.items() if not r["lead"] and not r["assist"]]


def all_units():
    s = set()
    for r in R.values():
        s.update(r["lead"])
        s.update(r["assist"])
    return s


# ---------------------------------------------------------------- questions
Q = []


def add(qtype, question, gold, note, answer_contains=(), refusal=False, history=(), conversation=None, check=None):
    gold = sorted(gold)
    if check is not None:
        assert sorted(check) == gold, (question, gold, sorted(check))
    for n in gold:
        assert n in R, (question, n)
    for a in answer_contains:
        alts = a.split("|")
        if gold:
            assert any(alt in R[n]["text"] for alt in alts for n in gold), (question, a)
    q = {
        "id": f"f17_{len(Q) + 1:03d}",
        "question": question,
        "history": list(history),
        "gold": [[DOC, n] for n in gold],
        "answer_contains": list(answer_contains),
        "expect_refusal": refusal,
        "type": qtype,
        "note": note,
    }
    if conversation:
        q["conversation"] = conversation
    Q.append(q)


# ---- topic (10)
add("topic", "我是村里的保洁员，想问问今年县里在农村改厕、垃圾处理、生活污水治理这几块有什么安排？", [24, 25, 26],
    "改厕24、污水25、垃圾26；27美丽乡村示范村创建虽同在人居环境组，但问题只问改厕/垃圾/污水三项，不计入。")
add("topic", "文件里对帮助脱贫群众就业、务工这方面是怎么部署的？", [21, 22, 23],
    "21劳务输出与招聘、22公益性岗位安置、23帮扶车间吸纳搬迁群众就业300人；40返乡创业面向外出务工人员、高校毕业生，并非专门针对脱贫群众就业，不计入。")
add("topic", "我们村老人多，想知道这份要点里关于农民看病、医保方面有哪些措施？", [20, 30],
    "20脱贫人口参保资助、参保率99%；30村卫生室标准化、乡镇卫生院能力。32养老服务不是看病/医保，不计入。")
add("topic", "我在镇上负责电商服务站，文件里关于农村物流、快递和电商的工作有哪些？", [14, 15],
    "14三级物流配送体系、寄递物流站、电商零售额；15冷链物流设施。28农村公路是交通基础设施而非物流/电商，不计入。")
add("topic", "村民很关心承包地延包和宅基地的事，这份工作要点里是怎么说的？", [37, 38],
    "37二轮承包到期再延长30年试点；38宅基地管理。5耕地保护不是承包/宅基地问题，不计入。")
add("topic", "在天气灾害预警、农作物病虫害和动物疫病防控方面有哪些安排？", [8, 9],
    "8气象灾害监测预警；9动物疫病和病虫害防控。7农田水利虽同在防灾减灾组，但问题未问水利灌溉，不计入。")
add("topic", "今年在稳定粮油生产方面有哪些具体工作？", [1, 2, 3, 4],
    "一（一）稳定粮食生产组全部4条：面积产量、大豆油料、单产提升、种粮惠农补贴(补贴是稳生产的政策措施，计入)。5、6耕地/农田属于耕地保护组，不计入。")
add("topic", "我们镇种茶叶和柑橘，想了解特色产业发展和农产品品牌方面有什么部署？", [10, 11],
    "10三大特色产业与“青禾山珍”品牌、绿色有机认证；11产业园、产业强镇、地理标志。12加工业、13乡村旅游属于融合发展，不计入。")
add("topic", "关于培训农民、吸引人才返乡创业，文件里有什么措施？", [17, 40],
    "17高素质农民和实用人才培育；40能人回乡、返乡入乡创业。33选派驻村第一书记是干部选派而非农民培训/返乡创业，不计入。")
add("topic", "农村孩子上学和老人养老这两方面，文件有什么安排？", [31, 32],
    "31乡村学校和寄宿制学校；32乡镇区域养老服务中心和互助养老点。")

# ---- target (8)
add("target", "今年全县要新建多少亩高标准农田？", [6], "第6条：新建高标准农田3.5万亩。", ["3.5万亩"])
add("target", "我是乡镇干部，省级美丽乡村示范村今年要创建几个？", [27], "第27条：创建省级美丽乡村示范村12个。", ["12个"])
add("target", "乡村公益性岗位今年开发多少个？", [22], "第22条：开发乡村公益性岗位1500个。", ["1500"])
add("target", "今年农村公路新改建多少公里？", [28], "第28条：新改建农村公路120公里。", ["120公里"])
add("target", "全年新增涉农贷款的目标是多少？", [39], "第39条：新增涉农贷款不少于15亿元。", ["15亿"])
add("target", "农村自来水普及率要达到多少？", [29], "第29条：农村自来水普及率达到92%。", ["92%"])
add("target", "今年要新改建多少户农村户用卫生厕所？", [24], "第24条：新改建农村户用卫生厕所3000户。", ["3000户"])
add("target", "乡村旅游全年计划接待多少游客？", [13], "第13条：全年接待乡村游客280万人次。", ["280万人次"])

# ---- department (7)
add("department", "县农业农村局牵头的工作有哪些？", [2, 7, 11],
    "牵头=仅牵头：2、11为“由县农业农村局牵头”，7为“（县水利局、县农业农村局负责）”记为牵头；8、19、33中为配合，不计入。",
    check=unit("县农业农村局", "lead"))
add("department", "我在县农业农村局工作，哪些事情是我们局配合其他单位做的？", [8, 19, 33],
    "配合=仅配合：8气象局牵头、19财政局牵头、33县委组织部牵头，均由县农业农村局配合。",
    check=unit("县农业农村局", "assist"))
add("department", "县交通运输局涉及哪些工作？", [14, 28],
    "无角色词=牵头或配合：28（县交通运输局负责）；14由县商务局牵头、县交通运输局配合。",
    check=unit("县交通运输局"))
add("department", "县发展改革局在这份工作要点里有哪些任务？", [11, 23],
    "11配合（产业园等）；23（县发展改革局、县人社局负责）。",
    check=unit("县发展改革局"))
add("department", "我是乡镇干部，文件里明确要各乡镇配合的工作有哪些？", [2, 25, 30],
    "配合：2大豆油料、25生活污水治理、30村卫生室建设，均写“各乡镇配合”。",
    check=unit("各乡镇", "assist"))
add("department", "县财政局负责哪些工作？", [2, 19],
    "无角色词=牵头或配合：19县财政局牵头；2县财政局配合。4惠农补贴发放未写明单位，不计入。",
    check=unit("县财政局"))
add("department", "县住建局在乡村振兴里要做哪些事？", [25],
    "仅25生活污水治理（配合）。",
    check=unit("县住建局"))

# ---- who (5)
add("who", "村级寄递物流综合服务站建设是哪个单位牵头？", [14], "第14条由县商务局牵头。", ["商务局"], check=unit("县商务局", "lead"))
add("who", "农村供水保障工程、提高自来水普及率这项工作由哪个部门负责？", [29],
    "第29条未写明责任单位（县水利局只在第7条出现），应说明文件未明确。", refusal=True,
    check=[n for n in unitless() if n == 29])
add("who", "选派驻村第一书记和工作队员是哪个部门牵头？", [33], "第33条由县委组织部牵头、县农业农村局配合。", ["组织部"],
    check=unit("县委组织部", "lead"))
add("who", "开发乡村公益性岗位这件事归哪个单位管？", [22],
    "第22条未写明责任单位，应说明文件未明确（县人社局只在21、23出现）。", refusal=True,
    check=[n for n in unitless() if n == 22])
add("who", "村卫生室标准化建设由谁牵头？", [30], "第30条由县卫生健康局牵头，各乡镇配合。", ["卫生健康局|卫健局"],
    check=unit("县卫生健康局", "lead"))

# ---- task_number (3)
add("task_number", "第15条工作是什么内容？", [15], "第15条：冷链物流设施建设。", ["30个|1.5万立方米"])
add("task_number", "要点里第36项讲的是什么？", [36], "第36条：平安乡村建设、枫桥经验、化解率95%。", ["95%"])
add("task_number", "第12条由哪个单位负责？", [12], "第12条以“县工业和信息化局要……”为主语，记为牵头。", ["工业和信息化局|工信局"],
    check=unit("县工业和信息化局"))

# ---- section (5)
add("section", "第三部分都安排了哪些工作？", part(3), "三、巩固拓展脱贫攻坚成果：18—23。", check=list(range(18, 24)))
add("section", "第四部分的（二）那一组具体有哪几条？", group(4, 2), "四（二）加强农村基础设施建设：28、29。", check=[28, 29])
add("section", "“推进乡风文明和平安乡村建设”这一组有哪些任务？", group_by_title("推进乡风文明和平安乡村建设"),
    "五（二）：35、36。", check=[35, 36])
add("section", "第二部分第（一）组是什么内容，包括哪些工作？", group(2, 1), "二（一）做强特色优势产业：10、11。", check=[10, 11])
add("section", "“深化农村改革”这一部分有哪些要点？", part_by_title("深化农村改革"), "六、深化农村改革：37—40。",
    check=list(range(37, 41)))

# ---- set_op (2)
add("set_op", "第一部分里哪些条目没有写明责任单位？", sorted(set(part(1)) & set(unitless())),
    "第一部分1—9中2、5、7、8写了单位，其余1、3、4、6、9未写。", check=[1, 3, 4, 6, 9])
add("set_op", "有没有县人社局和县发展改革局都参与的工作？", sorted(set(unit("县人社局")) & set(unit("县发展改革局"))),
    "交集：23（县发展改革局、县人社局负责）。", check=[23])

# ---- count (3)
add("count", "这份工作要点一共列了多少条具体工作？", [], "条目1—40连续编号，共40条；工作要求部分为不编号段落。", ["40"],
    check=[] if len(R) == 40 else [0])
assert len(part(4)) == 9
add("count", "第四部分“宜居宜业和美乡村建设”一共有几项工作？", [], "四部分含24—32，共9条。", ["9|九"])
assert len(unit("县农业农村局", "lead")) == 3
add("count", "县农业农村局牵头的工作一共有几项？", [], "牵头：2、7、11，共3项（配合的8、19、33不计）。", ["3|三"])

# ---- multi (3)
add("multi", "撂荒地复耕复种和危桥改造今年的目标分别是多少？", [6, 28], "第6条撂荒地复耕复种4000亩以上；第28条危桥改造10座。",
    ["4000亩", "10座"])
add("multi", "县民政局和县卫生健康局各自负责什么工作？", sorted(set(unit("县民政局")) | set(unit("县卫生健康局"))),
    "32县民政局负责养老服务；30县卫生健康局牵头村卫生室建设。", check=[30, 32])
add("multi", "农村生活污水治理率和生活垃圾无害化处理率分别要达到多少？", [25, 26], "第25条污水治理率45%；第26条垃圾无害化处理率98%以上。",
    ["45%", "98%"])

# ---- followup (7 turns)
c1 = ["改善农村人居环境这一块有哪些工作？",
      "其中哪些写了牵头单位？",
      "那生活污水治理的目标是多少？"]
add("followup", c1[0], group_by_title("持续改善农村人居环境"),
    "四（一）持续改善农村人居环境组全部：24改厕、25污水、26垃圾、27美丽乡村示范村与村庄清洁（组内条目，计入）。",
    conversation="c1", check=[24, 25, 26, 27])
add("followup", c1[1], sorted(set(group(4, 1)) - set(unitless())), "该组只有25写明由市生态环境局青禾分局牵头。",
    ["生态环境局"], history=c1[:1], conversation="c1", check=[25])
add("followup", c1[2], [25], "第25条：新增治理行政村25个，治理率45%。", ["45%"], history=c1[:2], conversation="c1")

c2 = ["县人社局负责哪些工作？",
      "稳岗增收那一组里还有哪些别的工作？"]
add("followup", c2[0], unit("县人社局"), "21以县人社局为主语（牵头）；23（县发展改革局、县人社局负责）。",
    conversation="c2", check=[21, 23])
add("followup", c2[1], sorted(set(group_by_title("促进脱贫人口稳岗增收")) - set(unit("县人社局"))),
    "三（二）稳岗增收组为21、22、23，去掉上一轮已列出的21、23，剩22。", history=c2[:1], conversation="c2", check=[22])

c3 = ["我是龙塘镇的干部，第一部分耕地保护那一组有哪些工作？",
      "高标准农田重点在哪些乡镇推进？"]
add("followup", c3[0], group(1, 2), "一（二）加强耕地保护和高标准农田建设：5、6。", conversation="c3", check=[5, 6])
add("followup", c3[1], [6], "第6条：重点在龙塘镇、石门乡集中连片推进。", ["龙塘镇", "石门乡"], history=c3[:1], conversation="c3")

# ---- refusal (7)
assert "县体育局" not in all_units() and "县教育局" not in all_units()
add("refusal", "县体育局在乡村振兴里负责哪些工作？", [], "文件从未提到县体育局。", refusal=True)
add("refusal", "县教育局要负责哪些工作？", [],
    "文件从未提到县教育局；第31条乡村学校未写单位，也不能推断为教育局。", refusal=True)
add("refusal", "文件里对新能源汽车下乡有什么补贴政策？", [], "文件未涉及新能源汽车下乡。", refusal=True)
add("refusal", "新建高标准农田每亩补助多少钱？", [6], "第6条只写面积，未写亩均补助标准。", refusal=True)
add("refusal", "城东安置区帮扶车间招的工人月工资是多少？", [23], "第23条只写新建2个帮扶车间、吸纳就业300人以上，未写工资。", refusal=True)
add("refusal", "新建的8个自动气象观测站具体建在哪些村？", [8], "第8条只写新建8个，未写站点位置。", refusal=True)
add("refusal", "我家有闲置宅基地，退出的话能拿到多少补偿？", [38], "第38条只提宅基地管理和闲置农房盘活，未写补偿标准。", refusal=True)


# ---------------------------------------------------------------- checks & write
EXPECTED = dict(topic=10, target=8, department=7, who=5, task_number=3, section=5, set_op=2, count=3,
                multi=3, followup=7, refusal=7)
cnt = Counter(q["type"] for q in Q)
assert cnt == Counter(EXPECTED), cnt
assert len(Q) == 60
# conversations: history repeats all earlier questions
conv = {}
for q in Q:
    if "conversation" in q:
        prev = conv.setdefault(q["conversation"], [])
        assert q["history"] == prev, q["id"]
        prev.append(q["question"])
for q in Q:
    if q["type"] == "refusal" or (q["type"] == "who" and q["expect_refusal"]):
        assert q["expect_refusal"]
    if q["type"] == "count":
        assert q["gold"] == [] and q["answer_contains"]
with open(OUT, "w", encoding="utf-8") as f:
    for q in Q:
        f.write(json.dumps(q, ensure_ascii=False) + "\n")
print(len(Q), "questions ->", OUT)
print(dict(cnt))
print("units:", len(all_units()), sorted(all_units()))
print("items with units:", len(R) - len(unitless()), "unitless:", len(unitless()))
