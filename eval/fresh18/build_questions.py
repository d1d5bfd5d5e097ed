#!/usr/bin/env python3
"""Build questions_fresh18_all.jsonl and check every gold against the notices.

Sources (only these are read):
  corpus/000_d657d27eca61cd1c.txt          (鼓楼区 2024, 78 tasks, units in trailing brackets)
  ../fresh15/notice_reference.md           (澄州市 2025, 44 tasks, reference table)
  ../fresh16/notice_reference.md           (青岚区 2025, 30 projects, reference list)
  corpus/997_fresh14_bureau_2025.txt       (霁州市教育局 2025, 41 tasks, 【】 before each task)
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GL = "000_d657d27eca61cd1c"
CZ = "998_fresh15_city_2025"
QL = "999_fresh16_district_2025"
JZ = "997_fresh14_bureau_2025"


# ---------------------------------------------------------------- parsing
def parse_gulou():
    tasks = {}
    for line in (HERE / "corpus" / f"{GL}.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d+)\.(.*)\(([^()]*)\)\s*$", line)
        if not m:
            continue
        n, text, units = int(m.group(1)), m.group(2), m.group(3)
        lead, assist = set(), set()
        for seg in re.split(r"[,,]", units):
            seg = seg.strip()
            if seg.endswith("主办"):
                lead |= set(seg[:-2].split("、"))
            elif seg.endswith("协办"):
                assist |= set(seg[:-2].split("、"))
            else:
                raise ValueError((n, seg))
        tasks[n] = dict(text=text, lead=lead, assist=assist)
    assert sorted(tasks) == list(range(1, 79)), sorted(tasks)
    return tasks


def parse_chengzhou():
    tasks = {}
    for line in (HERE.parent / "fresh15" / "notice_reference.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0].isdigit():
            n = int(cells[0])
            tasks[n] = dict(text=cells[2], lead={cells[3]},
                            assist=set(c for c in cells[4].split("、") if c),
                            deadline=cells[5])
    assert sorted(tasks) == list(range(1, 45))
    return tasks


def parse_qinglan():
    tasks = {}
    cur = None
    for line in (HERE.parent / "fresh16" / "notice_reference.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^### (\d+)\. (.*)$", line)
        if m:
            cur = int(m.group(1))
            tasks[cur] = dict(title=m.group(2), text="", lead=set(), assist=set())
            continue
        if cur is None:
            continue
        m = re.match(r"^- (主要内容及目标|牵头单位|配合单位|完成时限): (.*)$", line)
        if m:
            k, v = m.groups()
            if k == "主要内容及目标":
                tasks[cur]["text"] = v
            elif k == "牵头单位":
                tasks[cur]["lead"] = set(v.split("、"))
            elif k == "配合单位":
                tasks[cur]["assist"] = set() if v == "无" else set(v.split("、"))
            else:
                tasks[cur]["deadline"] = v
    assert sorted(tasks) == list(range(1, 31))
    return tasks


JZ_ALIAS = {
    "基教处": "基础教育处", "规划处": "发展规划处", "体卫艺处": "体育卫生与艺术教育处",
    "安稳处": "安全稳定工作处", "职成处": "职业教育与成人教育处", "高教处": "高等教育处",
    "师资处": "教师工作处",          # assumption, see note in report
    "人事处": "组织人事处",          # assumption, see note in report
    "市教科院": "市教育科学研究院", "电教馆": "市电化教育馆", "督导室": "教育督导室",
    "考试院": "市教育考试院",
}


def parse_jizhou():
    tasks = {}
    for line in (HERE / "corpus" / f"{JZ}.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d+)\.【([^】]*)】(.*)$", line)
        if not m:
            continue
        n, units, text = int(m.group(1)), m.group(2), m.group(3)
        lead, assist = set(), set()
        for seg in units.split(";"):
            role, names = seg.split(":", 1)
            names = set(JZ_ALIAS.get(x.strip(), x.strip()) for x in re.split(r"[、,,]", names) if x.strip())
            if role in ("牵头处室", "牵头", "牵头单位", "责任处室"):
                lead |= names
            elif role in ("配合", "协同", "配合单位"):
                assist |= names
            else:
                raise ValueError((n, role))
        tasks[n] = dict(text=text, lead=lead, assist=assist)
    assert sorted(tasks) == list(range(1, 42))
    return tasks


DOCS = {GL: parse_gulou(), CZ: parse_chengzhou(), QL: parse_qinglan(), JZ: parse_jizhou()}


def unit_tasks(doc, unit, role="any"):
    out = set()
    for n, t in DOCS[doc].items():
        if role in ("any", "lead") and unit in t["lead"]:
            out.add((doc, n))
        if role in ("any", "assist") and unit in t["assist"]:
            out.add((doc, n))
    return out


def text_has(doc, n, *subs):
    t = DOCS[doc][n]
    blob = t.get("title", "") + t["text"] + t.get("deadline", "")
    return all(s in blob for s in subs)


def tasks_matching(doc, pattern):
    rx = re.compile(pattern)
    return {(doc, n) for n, t in DOCS[doc].items() if rx.search(t.get("title", "") + t["text"])}


# ---------------------------------------------------------------- questions
Q = []


def q(question, gold, kind, note, answer_contains=(), refusal=False, history=(), conv=None,
      check=None):
    gold = sorted({(d, n) for d, n in gold})
    if check is not None:
        exp = sorted(check)
        assert gold == exp, (question, gold, exp)
    for d, n in gold:
        assert n in DOCS[d], (question, d, n)
    row = {"id": f"f18_{len(Q) + 1:03d}", "question": question, "history": list(history),
           "gold": [[d, n] for d, n in gold], "answer_contains": list(answer_contains),
           "expect_refusal": refusal, "type": kind, "note": note}
    if conv:
        row["conversation"] = conv
    Q.append(row)
    return row


def facts(doc, n, *subs):
    """assert the answer_contains facts appear in that task's text"""
    assert text_has(doc, n, *subs), (doc, n, subs)
    return list(subs)


# ---- A. named place / issuer, one notice (18)
q("澄州市今年新增多少充电桩", [(CZ, 7)], "single_named",
  "澄州 任务7 新建公共充电桩3000个、换电站20座",
  facts(CZ, 7, "3000"), check=tasks_matching(CZ, "充电"))
q("青岚区的民生实事里有哪些跟老人有关的?", [(QL, 5), (QL, 10), (QL, 11), (QL, 13), (QL, 14)], "single_named",
  "5 老年人流感疫苗、10 老年助餐、11 适老化改造、13 街道养老服务中心、14 家庭养老床位;"
  "15 加装电梯/27 困难群众参保不专指老人,不计入",
  check=tasks_matching(QL, "老年|养老"))
q("鼓楼区商务局负责哪些任务", unit_tasks(GL, "区商务局"), "single_named",
  "鼓楼 区商务局 全部为主办:2,3,5,7,9,10,11,13,15(无协办)",
  check={(GL, n) for n in (2, 3, 5, 7, 9, 10, 11, 13, 15)})
q("霁州市教育局的方案里中考改革怎么说", [(JZ, 35)], "single_named",
  "霁州 任务35 深化中考改革,9月底前出台初中学业水平考试改革实施方案",
  facts(JZ, 35, "9月底前"), check=tasks_matching(JZ, "中考"))
q("鼓楼今年养老床位要新增多少张?", [(GL, 55)], "single_named",
  "鼓楼 任务55 全年新增养老机构床位200张", facts(GL, 55, "200张"),
  check=tasks_matching(GL, "床位"))
q("青岚区学校体育场地向社会开放是怎么安排的,啥时候完成", [(QL, 30)], "single_named",
  "青岚 项目30:30所中小学体育场地节假日、寒暑假免费开放,2025年7月底",
  facts(QL, 30, "30所", "2025年7月底"))
q("澄州的城市更新谁牵头?今年改造多少个老旧小区", [(CZ, 23)], "single_named",
  "澄州 任务23 稳步推进城市更新,牵头市住建局,改造老旧小区86个",
  ["市住建局"] + facts(CZ, 23, "86个"), check=tasks_matching(CZ, "城市更新"))
q("霁州教育局今年要更新多少辆校车", [(JZ, 37)], "single_named",
  "霁州 任务37 年内更新校车60辆", facts(JZ, 37, "60辆"), check=tasks_matching(JZ, "校车"))
q("鼓楼区区水务局牵头的有哪几项?", unit_tasks(GL, "区水务局", "lead"), "single_named",
  "牵头=主办:32,33,40;任务31中区水务局为协办,不计入",
  check={(GL, 32), (GL, 33), (GL, 40)})
q("青岚区财政局需要配合哪些民生实事项目", unit_tasks(QL, "区财政局", "assist"), "single_named",
  "青岚 区财政局 配合:1,5,10,15,27(区财政局在青岚无牵头项目)",
  check={(QL, n) for n in (1, 5, 10, 15, 27)})
q("霁州市教育局那个分工方案里,体卫艺处牵头的工作有哪些?", unit_tasks(JZ, "体育卫生与艺术教育处", "lead"),
  "single_named",
  "体卫艺处=体育卫生与艺术教育处;牵头或责任处室:16(责任处室),17,18,19(与安稳处并列牵头),20,22;"
  "任务36中体卫艺处为配合,不计入",
  check={(JZ, n) for n in (16, 17, 18, 19, 20, 22)})
q("澄州市跨境电商今年有什么目标", [(CZ, 21)], "single_named",
  "澄州 任务21 新培育跨境电商企业50家、海外仓3个、进出口额增长20%",
  facts(CZ, 21, "50家", "海外仓3个"), check=tasks_matching(CZ, "跨境电商"))
q("鼓楼区今年加装电梯多少部", [(GL, 38)], "single_named",
  "鼓楼 任务38 增设既有住宅电梯20部", facts(GL, 38, "20部"), check=tasks_matching(GL, "电梯"))
q("青岚区两癌筛查是哪个部门负责的", [(QL, 7)], "single_named",
  "青岚 项目7 区妇联、区卫健局(原文区卫健局)共同牵头,筛查1.5万人",
  ["区妇联"] + facts(QL, 7, "1.5万人"))
q("霁州市教育局今年招多少老师?什么时候招完", [(JZ, 30)], "single_named",
  "霁州 任务30 公开招聘中小学幼儿园教师1200名,8月底前完成",
  facts(JZ, 30, "1200名", "8月底前"), check=tasks_matching(JZ, "招聘"))
q("澄州市在医疗卫生和医保方面有哪些任务", [(CZ, 37), (CZ, 38)], "single_named",
  "37 医疗卫生服务、38 医疗保障制度改革;40 托育(牵头市卫健委)和43 食品药品安全监管主题不同,不计入")
q("鼓楼区无障碍设施这块是哪几个单位主办的", [(GL, 42)], "single_named",
  "鼓楼 任务42 无障碍示范城区,区城管局、区建设局、区残联主办",
  ["区城管局", "区建设局", "区残联"], check=tasks_matching(GL, "无障碍"))
q("青岚区卫健局牵头哪些项目", unit_tasks(QL, "区卫健局", "lead"), "single_named",
  "区卫健局(原文也写作区卫生健康局)牵头:5,6,7,9,12;项目4中为配合,不计入",
  check={(QL, n) for n in (5, 6, 7, 9, 12)})

# ---- B. no place, answer in exactly one notice (8)
q("红十字会参与了哪个项目", unit_tasks(QL, "区红十字会"), "single_unnamed",
  "只有青岚 项目9(公共场所急救设施配置)列区红十字会为配合单位",
  check={(QL, 9)})
assert not any(unit_tasks(d, u) for d in (GL, CZ, JZ) for u in ("区红十字会", "市红十字会"))
q("学生资助资金今年一共发多少钱", [(JZ, 38)], "single_unnamed",
  "只有霁州教育局 任务38 学生资助,约2.6亿元", facts(JZ, 38, "2.6亿元"))
q("长者食堂吃饭每餐补贴多少", [(QL, 10)], "single_unnamed",
  "只有青岚 项目10 为80周岁以上老年人每餐3元助餐补贴", facts(QL, 10, "3元"))
q("江豚城市公园是哪个单位在负责", [(GL, 31)], "single_unnamed",
  "只有鼓楼 任务31 提到南京长江江豚城市公园,下关滨江商务区管委会主办",
  ["下关滨江商务区管委会"], check=set().union(*(tasks_matching(d, "江豚") for d in DOCS)))
q("供电公司要配合做哪些工作?", unit_tasks(CZ, "国网澄州供电公司"), "single_unnamed",
  "只有澄州有国网澄州供电公司,配合任务7(充电设施)和32(绿色低碳转型)",
  check={(CZ, 7), (CZ, 32)})
q("第五次经济普查谁组织", [(GL, 75)], "single_unnamed",
  "只有鼓楼 任务75,区统计局主办", ["区统计局"],
  check=set().union(*(tasks_matching(d, "经济普查") for d in DOCS)))
q("病险水库今年要除险加固几座", [(CZ, 29)], "single_unnamed",
  "只有澄州 任务29,12座", facts(CZ, 29, "12座"),
  check=set().union(*(tasks_matching(d, "病险水库") for d in DOCS)))
q("孩子近视率今年要求下降多少", [(JZ, 17)], "single_unnamed",
  "只有霁州 任务17 有近视率目标(下降1个百分点以上);青岚 项目4 只有视力筛查,无近视率指标,不计入",
  facts(JZ, 17, "1个百分点"), check=set().union(*(tasks_matching(d, "近视") for d in DOCS)))

# ---- C. spans several notices (8)
q("这几份文件里跟养老、老年人服务有关的都有哪些", [(GL, 46), (GL, 55), (CZ, 39), (QL, 5), (QL, 10), (QL, 11), (QL, 13), (QL, 14)],
  "multi_doc",
  "鼓楼46(独居/困难老年人探访关爱)、55(物业+养老、床位);澄州39(养老服务体系);"
  "青岚5(老年人流感疫苗)、10、11、13、14;霁州无。澄州41低保/青岚27参保资助不专指老人,不计入",
  check=set().union(*(tasks_matching(d, "老年|养老|老人") for d in DOCS)))
q("各地的停车泊位目标分别是多少", [(GL, 43), (CZ, 25), (QL, 21)], "multi_doc",
  "鼓楼43 新增公共停车泊位600个以上(另共享泊位100个);澄州25 新增公共停车泊位5000个;青岚21 新增2000个。"
  "澄州7只涉及新建小区停车位配建充电设施,不是泊位目标",
  facts(GL, 43, "600个") + facts(CZ, 25, "5000个") + facts(QL, 21, "2000个"),
  check=set().union(*(tasks_matching(d, "泊位") for d in DOCS)))
q("几个方案里都提到加装电梯吗?分别多少部", [(GL, 38), (CZ, 23), (QL, 15)], "multi_doc",
  "鼓楼38 20部、澄州23 200部、青岚15 40部;霁州无",
  facts(GL, 38, "20部") + facts(CZ, 23, "200部") + facts(QL, 15, "40部"),
  check=set().union(*(tasks_matching(d, "电梯") for d in DOCS)))
q("充电桩各家分别要建多少个", [(CZ, 7), (QL, 23)], "multi_doc",
  "澄州7 新建公共充电桩3000个;青岚23 新建公共充电桩1000个;鼓楼、霁州无",
  facts(CZ, 7, "3000个") + facts(QL, 23, "1000个"),
  check=set().union(*(tasks_matching(d, "充电桩") for d in DOCS)))
q("托育托位这几个地方各新增多少?", [(GL, 54), (CZ, 40), (QL, 12)], "multi_doc",
  "鼓楼54 普惠托位60个、澄州40 普惠托育托位2000个、青岚12 普惠性托位600个;"
  "霁州11 小学生暑期托管不是婴幼儿托育,不计入",
  facts(GL, 54, "60个") + facts(CZ, 40, "2000个") + facts(QL, 12, "600个"),
  check=set().union(*(tasks_matching(d, "托位") for d in DOCS)))
q("这些文件里关于学校食堂、校园食品安全的内容有哪些", [(GL, 64), (CZ, 43), (QL, 2), (JZ, 19)], "multi_doc",
  "鼓楼64 强化校园食品安全管理;澄州43 学校食堂明厨亮灶全覆盖;青岚2 15所学校食堂明厨亮灶改造;"
  "霁州19 学校食堂和校园食品安全管理。青岚20 农贸市场食品快检室与学校无关,不计入",
  check=set().union(*(tasks_matching(d, "校园食品|学校食堂") for d in DOCS)))
q("垃圾分类几个地方分别怎么安排的", [(GL, 44), (CZ, 34), (QL, 18)], "multi_doc",
  "鼓楼44 小区垃圾分类争优除差;澄州34 垃圾分类和固废处置;青岚18 垃圾分类示范小区50个",
  check=set().union(*(tasks_matching(d, "垃圾分类") for d in DOCS)))
q("城镇新增就业的目标,各个文件里分别是多少", [(GL, 45), (CZ, 35), (QL, 25)], "multi_doc",
  "鼓楼45 新增城镇就业2.1万人(原文语序不同)、澄州35 4.5万人、青岚25 1.2万人;霁州27 为高校毕业生去向落实率,不是城镇新增就业,不计入",
  facts(GL, 45, "2.1万") + facts(CZ, 35, "4.5万") + facts(QL, 25, "1.2万"),
  check=set().union(*(tasks_matching(d, "城镇新增就业|新增城镇就业") for d in DOCS)))

# ---- D. same-named units (5)
q("鼓楼区财政局负责哪些任务?", unit_tasks(GL, "区财政局"), "same_unit",
  "鼓楼 区财政局:1,77,78(均主办);不含澄州市财政局、青岚区财政局",
  check={(GL, 1), (GL, 77), (GL, 78)})
q("澄州市财政局牵头的是哪项工作", unit_tasks(CZ, "市财政局", "lead"), "same_unit",
  "澄州 市财政局只牵头任务2(争取上级资金),其余均为配合;不含鼓楼区财政局", check={(CZ, 2)})
q("民政局都负责哪些任务", unit_tasks(GL, "区民政局") | unit_tasks(CZ, "市民政局") | unit_tasks(QL, "区民政局"),
  "same_unit",
  "无地名:所有有民政局的文件。鼓楼46,55,68;澄州39,41;青岚10,11,13,14,27(均为牵头)",
  check={(GL, 46), (GL, 55), (GL, 68), (CZ, 39), (CZ, 41), (QL, 10), (QL, 11), (QL, 13), (QL, 14), (QL, 27)})
q("住建局牵头的任务有哪些", unit_tasks(CZ, "市住建局", "lead") | unit_tasks(QL, "区住建局", "lead"), "same_unit",
  "澄州 市住建局牵头23,24,26;青岚 区住建局牵头3(与区教育局并列),15,19;鼓楼为区建设局/区房产局,不是住建局",
  check={(CZ, 23), (CZ, 24), (CZ, 26), (QL, 3), (QL, 15), (QL, 19)})
q("市场监管局配合的工作有哪些?", unit_tasks(GL, "区市场监管局", "assist") | unit_tasks(CZ, "市市场监管局", "assist")
  | unit_tasks(QL, "区市场监管局", "assist"), "same_unit",
  "配合only:澄州3,17;青岚2,19;鼓楼 区市场监管局在23、64均为主办,无协办",
  check={(CZ, 3), (CZ, 17), (QL, 2), (QL, 19)})

# ---- E. metadata (4)
q("鼓楼区那个目标任务分解方案的文号是多少", [], "metadata",
  "000 文号 鼓政〔2024〕2号(原文发布机构字段显示异常)", ["鼓政〔2024〕2号"])
q("澄州市的重点工作任务分解方案是哪天印发的", [], "metadata",
  "998 PDF落款 澄州市人民政府办公室 2025年2月20日,文号澄政办发〔2025〕9号", ["2025年2月20日"])
q("霁州市教育局的任务分工方案一共有多少项任务?", [], "metadata",
  "997 共41项", [str(len(DOCS[JZ]))])
q("青岚区民生实事方案是哪个单位发的,发文字号是啥", [], "metadata",
  "999 发文机关 青岚区人民政府,青政发〔2025〕3号", ["青岚区人民政府", "青政发〔2025〕3号"])

# ---- F. follow-ups (7 turns, 3 conversations)
h1 = "霁州市教育局的方案里,党建那部分有几项?"
q(h1, [], "followup", "997 第一部分 坚持党建引领 1-5,共5项(计数,gold空)", ["5"], conv="c1")
h2 = "那它的第三项呢"
q(h2, [(JZ, 3)], "followup", "仍为霁州;第三项=任务3 机关作风建设(办公室责任处室)", ["办公室"],
  history=[h1], conv="c1")
lead_count = {}
for n, t in DOCS[JZ].items():
    for u in t["lead"]:
        lead_count[u] = lead_count.get(u, 0) + 1
top = max(lead_count, key=lead_count.get)
assert top == "基础教育处" and lead_count[top] == 9, lead_count
assert sorted(lead_count.values())[-2] < 9
q("这个方案里谁牵头最多", [], "followup",
  "霁州:基础教育处牵头(含责任处室、基教处简称)9项:7,8,9,10,11,13,15,21,35;次多为体卫艺处6项。排名,gold空",
  ["基础教育处"], history=[h1, h2], conv="c1")
h1 = "鼓楼区区房产局主办的有哪些"
q(h1, unit_tasks(GL, "区房产局", "lead"), "followup", "主办only:37,38,60,62,63,69", conv="c2",
  check={(GL, n) for n in (37, 38, 60, 62, 63, 69)})
q("它协办的呢?", unit_tasks(GL, "区房产局", "assist"), "followup",
  "仍为鼓楼 区房产局;协办only:55,68", history=[h1], conv="c2", check={(GL, 55), (GL, 68)})
h1 = "青岚区民生实事里交通出行类有哪几项"
q(h1, [(QL, n) for n in (21, 22, 23, 24)], "followup", "青岚 五、交通出行类 21-24", conv="c3")
q("其中公交那项什么时候完成", [(QL, 22)], "followup",
  "仍为青岚:项目22 公交线网优化,2025年9月底", facts(QL, 22, "2025年9月底"), history=[h1], conv="c3")

# ---- G. refusals (7)
q("南京市江北新区今年新增多少停车泊位", [], "refusal",
  "没有江北新区的文件;鼓楼区虽属南京但不是江北新区", refusal=True)
q("2023年鼓楼区的主要工作目标有哪些", [], "refusal",
  "鼓楼文件为2024年,无2023年文件", refusal=True)
q("澄州市气象局负责哪些任务", [], "refusal", "澄州文件无市气象局", refusal=True)
assert not any("气象" in u for d in DOCS for t in DOCS[d].values() for u in t["lead"] | t["assist"])
q("青岚区新建的那20个长者食堂具体建在哪几个街道?", [(QL, 10)], "refusal",
  "项目10只写新建20个,未写具体选址街道", refusal=True)
q("澄州新建充电桩这件事预算资金是多少", [(CZ, 7)], "refusal",
  "任务7只写数量,未写资金预算", refusal=True)
q("南京江宁区2025年民生实事都有啥", [], "refusal",
  "青岚区文件中的上级市为虚构的江宁市,与南京市江宁区不是一回事;无江宁区文件", refusal=True)
q("鼓楼二十九中新校区什么时候能投入使用", [(GL, 51)], "refusal",
  "任务51只写2024年完成主体施工,未写投用时间", refusal=True)

# ---- H. multi-part (3)
q("澄州市新增养老床位多少张?青岚区呢?", [(CZ, 39), (QL, 13), (QL, 14)], "multi_part",
  "澄州39 新增养老床位1500张;青岚13 新增养老床位240张,14 家庭养老床位500张(也是养老床位,完整回答应提及)",
  facts(CZ, 39, "1500张") + facts(QL, 13, "240张"),
  check=tasks_matching(CZ, "养老床位") | tasks_matching(QL, "养老床位"))
q("霁州今年新增几所校园足球特色学校,运动会几月开?另外心理老师怎么配", [(JZ, 22), (JZ, 18)], "multi_part",
  "霁州22 新增全国青少年校园足球特色学校10所、10月举办第十届中小学生运动会;18 每校至少1名专职心理健康教育教师",
  facts(JZ, 22, "10所", "10月") + facts(JZ, 18, "1名"))
q("鼓楼区今年净增高新技术企业多少家?澄州市新认定多少家?", [(GL, 22), (CZ, 12)], "multi_part",
  "鼓楼22 净增高新技术企业60家;澄州12 新认定高新技术企业180家",
  facts(GL, 22, "60家") + facts(CZ, 12, "180家"),
  check=tasks_matching(GL, "高新技术企业") | tasks_matching(CZ, "高新技术企业"))

# ---------------------------------------------------------------- write
assert len(Q) == 60, len(Q)
assert len({r["question"] for r in Q}) == 60
for r in Q:
    if r["expect_refusal"]:
        assert r["type"] == "refusal"
out = HERE / "questions_fresh18_all.jsonl"
with out.open("w", encoding="utf-8") as f:
    for r in Q:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
kinds = {}
for r in Q:
    kinds[r["type"]] = kinds.get(r["type"], 0) + 1
print(out, len(Q), kinds)
