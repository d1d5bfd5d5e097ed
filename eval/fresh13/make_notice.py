# -*- coding: utf-8 -*-
"""Generate a made-up town work-plan notice (test sample, not a real document).

Output:
  corpus/996_fresh13_town_2025.docx   covering notice + attached task table
  notice_reference.md                 plain-text rendering of the table
"""
import os

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Cm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DOCX = os.path.join(HERE, "corpus", "996_fresh13_town_2025.docx")
OUT_MD = os.path.join(HERE, "notice_reference.md")

ISSUER = "临河县柳湾镇人民政府"
TITLE = "【测试样本,非真实文件】关于印发《柳湾镇2025年重点工作任务分解表》的通知"
TABLE_TITLE = "柳湾镇2025年重点工作任务分解表"

L_SHU = "刘某某（镇党委书记）"
L_ZHEN = "陈某某（镇长）"
L_FUSHU = "王某某（镇党委副书记）"
L_ZHAO = "赵某某（副镇长）"
L_WU = "吴某某（副镇长）"
L_QIAN = "钱某某（副镇长）"
L_ZHENG = "郑某某（党委委员、组织委员）"
L_HUANG = "黄某某（党委委员、宣传委员）"
L_SUN = "孙某某（党委委员、武装部长）"
L_ZHOU = "周某某（党委委员、纪委书记）"

# (category, task text, leader, lead unit(s), assisting units, deadline)
# "\n" in task text = new paragraph inside the cell; "\n" in units = line break.
TASKS = [
    # ---- 经济发展 1-7
    ("经济发展", "重点项目建设：全年实施重点项目12个，完成固定资产投资3.2亿元；柳湾农产品加工园二期项目年内建成投产。",
     L_ZHEN, "经济发展办公室", "财政所、自然资源所、村建办", "2025年12月底"),
    ("经济发展", "招商引资：新引进亿元以上项目2个、千万元以上项目5个，全年实际到位资金1.5亿元。",
     L_ZHEN, "经发办", "党政办\n各村（社区）", "2025年12月底"),
    ("经济发展", "培育市场主体：\n（1）新增“四上”企业3家；\n（2）新登记个体工商户200户以上，市场主体总量同比增长8%。",
     L_WU, "经济发展办公室、市场监管所", "便民服务中心", "全年"),
    ("经济发展", "财政收支：完成一般公共预算收入4800万元，同比增长5%；严控一般性支出和“三公”经费。",
     L_ZHEN, "财政所", "", "2025年12月底"),
    ("经济发展", "电商物流：建成镇级电商公共服务中心1个、村级快递服务点8个，实现快递进村全覆盖。",
     L_WU, "经发办", "县邮政分公司、各村", "2025年6月底"),
    ("经济发展", "优化营商环境：推行涉企事项“一窗受理、集成服务”，网上可办率达到95%以上。",
     L_FUSHU, "便民服务中心", "经济发展办公室、市场监管所", "全年"),
    ("经济发展", "集贸市场改造：完成柳湾老集市改造提升，新建标准化农贸市场1处，规范设置摊位120个，解决占道经营问题。",
     L_WU, "村建办", "经济发展办公室\n市场监管所\n综合行政执法队", "2025年10月底"),
    # ---- 乡村振兴 8-15
    ("乡村振兴", "粮食生产：全镇粮食播种面积稳定在3.6万亩以上；在东岗村、河口村新建高标准农田4000亩。",
     L_ZHAO, "农业农村服务中心", "县农业农村局、财政所、各村（社区）", "2025年11月底"),
    ("乡村振兴", "特色产业：\n（1）桃园村新发展黄桃种植500亩；\n（2）西沟村扩建食用菌大棚30座；\n（3）培育农民专业合作社示范社2家。",
     L_ZHAO, "农服中心", "经发办、各村（社区）", "2025年10月底"),
    ("乡村振兴", "农村道路：新建改建农村公路18公里，其中完成东岗村至石门村道路硬化6.5公里、河口村通组路拓宽2.3公里；落实农村公路日常养护。",
     L_WU, "村镇建设管理办公室", "县交通运输局\n财政所\n各村", "2025年10月底"),
    ("乡村振兴", "农村饮水安全：\n（1）实施新庄村、北坡村自来水管网延伸工程，新增受益群众1200户；\n（2）对全镇12处集中供水点每季度开展1次水质检测。",
     L_ZHAO, "水利站", "县水利局、镇卫生院、各村（社区）", "2025年6月底"),
    ("乡村振兴", "农村厕所革命：完成农村户厕改造450户，新建改建农村公厕6座，问题厕所整改率100%。",
     L_ZHAO, "农业农村服务中心", "村建办、生态环境办、各村", "2025年11月底"),
    ("乡村振兴", "巩固衔接：落实防止返贫动态监测帮扶，监测对象帮扶措施落实率100%；发放脱贫人口小额信贷300万元。",
     L_FUSHU, "农服中心", "财政所、社会事务办公室、各村（社区）", "全年"),
    ("乡村振兴", "和美乡村建设：打造石门村、桃园村2个市级和美乡村示范村，完成村庄规划编制5个。",
     L_SHU, "村镇建设管理办公室", "农服中心、自然资源所", "2025年12月"),
    ("乡村振兴", "壮大村级集体经济：集体经营性收入10万元以上的村达到8个，全面消除集体经营性收入5万元以下的薄弱村。",
     L_ZHENG, "党建工作办公室", "农业农村服务中心、财政所", "2025年12月底"),
    # ---- 生态环保 16-21
    ("生态环保", "生活垃圾分类：在柳湾社区、东岗村开展生活垃圾分类试点，配备分类收集设施300组；农村生活垃圾无害化处理率达到98%。",
     L_WU, "综合行政执法队", "村建办、各村（社区）", "2025年9月底"),
    ("生态环保", "河湖长制：落实镇村两级河长巡河制度，清理柳河干流河道12公里，完成入河排污口整治8处。",
     L_ZHAO, "水利站", "生态环境保护办公室\n执法队\n各村", "长期坚持"),
    ("生态环保", "大气污染防治：\n（1）秸秆禁烧实现“零火点”，秸秆综合利用率达到93%以上；\n（2）完成散煤清零，加强餐饮油烟、扬尘治理。",
     L_WU, "生态环境办", "农服中心、执法队、应急办、派出所、各村（社区）", "全年"),
    ("生态环保", "国土绿化：完成植树造林1500亩，建设村庄绿化点10个；全面落实林长制。",
     L_ZHAO, "林业站", "自然资源所、各村（社区）", "2025年4月底"),
    ("生态环保", "生活污水治理：完成镇区污水管网改造3.8公里；新庄村、河口村各建成污水处理站1座。",
     L_WU, "村建办", "生态环境办、财政所", "2025年11月底"),
    ("生态环保", "耕地保护和违法建设治理：坚决遏制耕地“非农化”，新增违法占地、违法建设“零增长”；按期完成卫片图斑整改。",
     L_ZHEN, "自然资源所、综合行政执法队", "村镇建设管理办公室、农服中心、各村", "长期坚持"),
    # ---- 社会民生 22-29
    ("社会民生", "稳定就业：新增城镇就业300人，开展职业技能培训500人次，农村劳动力转移就业稳定在1.2万人。",
     L_QIAN, "社会事务办公室", "便民服务中心", "2025年12月底"),
    ("社会民生", "社会保障：城乡居民基本医疗保险参保率稳定在95%以上，城乡居民基本养老保险参保率达到98%以上。",
     L_QIAN, "社事办", "卫生院、便民服务中心、各村（社区）", "全年"),
    ("社会民生", "养老服务：\n（1）建成柳湾镇区域养老服务中心1处，新增养老床位60张；\n（2）在东岗村、桃园村新建农村幸福院2个；\n（3）按时足额发放80周岁以上老人高龄津贴。",
     L_FUSHU, "社会事务办公室", "村建办、财政所、各村", "2025年12月"),
    ("社会民生", "医疗卫生：\n（1）镇卫生院新建中医馆1个，新增CT设备1台；\n（2）家庭医生重点人群签约率达到80%；\n（3）完成4个村卫生室标准化建设。",
     L_QIAN, "卫生院", "社事办、财政所", "2025年9月底"),
    ("社会民生", "教育事业：\n（1）镇中心学校新建教学楼1栋（24个教室），8月底前投入使用；\n（2）改造提升乡村小学食堂3所；\n（3）落实控辍保学，义务教育巩固率保持100%。",
     L_QIAN, "中心学校", "村镇建设管理办公室、财政所、派出所", "2025年8月底"),
    ("社会民生", "文化体育：提升农家书屋5个，新建村级文体广场3个，全年送戏下乡30场。",
     L_HUANG, "综合文化站", "党政办、各村（社区）", "2025年10月底"),
    ("社会民生", "退役军人服务：落实优抚对象抚恤补助按时发放，开展“光荣之家”走访慰问100人次。",
     L_SUN, "退役军人服务站", "", "全年"),
    ("社会民生", "社会救助：落实低保、特困人员救助供养政策，临时救助及时率100%；困难残疾人生活补贴和重度残疾人护理补贴精准发放。",
     L_QIAN, "社事办", "财政所、各村", "全年"),
    # ---- 平安建设 30-36
    ("平安建设", "安全生产：开展安全生产隐患大排查大整治，重点行业领域检查企业不少于200家次，坚决遏制较大以上生产安全事故。",
     L_ZHEN, "应急管理办公室", "市场监管所、执法队、派出所", "全年"),
    ("平安建设", "城镇燃气安全：完成镇区老旧燃气管道改造2.1公里；餐饮场所燃气泄漏报警器安装率100%。",
     L_WU, "应急办、村建办", "市场监管所\n综合行政执法队", "2025年6月底"),
    ("平安建设", "防汛抗旱：\n（1）5月底前完成柳河堤防隐患排查和3座小型水库除险加固；\n（2）储备编织袋2万条、冲锋舟2艘；\n（3）组建镇村两级应急抢险队伍12支。",
     L_ZHAO, "应急管理办公室", "水利站、武装部、各村（社区）", "2025年5月底"),
    ("平安建设", "矛盾纠纷化解：每月开展一次矛盾纠纷排查，调解成功率达到98%以上；信访事项及时受理率100%。",
     L_FUSHU, "综治中心", "司法所、派出所、各村（社区）", "长期坚持"),
    ("平安建设", "社会治安防控：推进“雪亮工程”，新增村级视频监控点位120个；深入开展反电信网络诈骗宣传进村入户。",
     L_FUSHU, "派出所", "社会治理综合服务中心、各村", "2025年12月底"),
    ("平安建设", "法治建设：深入开展“八五”普法，每个村（社区）培养“法律明白人”5名，村（社区）法律顾问覆盖率100%。",
     L_FUSHU, "司法所", "党政综合办公室、各村（社区）", "全年"),
    ("平安建设", "食品药品安全：加强校园食堂、农村集体聚餐和药店监管，全年开展食品安全抽检100批次以上。",
     L_QIAN, "市场监管所", "镇中心学校、卫生院", ""),
    # ---- 党的建设 37-40
    ("党的建设", "基层党组织建设：开展村党组织星级评定，整顿软弱涣散村党组织2个，全年发展党员15名。",
     L_ZHENG, "党建办", "各村（社区）", "2025年12月底"),
    ("党的建设", "党风廉政建设：落实全面从严治党“两个责任”，开展村级“小微权力”专项监督，每季度开展一次廉政谈话。",
     L_ZHOU, "镇纪委", "党政综合办公室、财政所", "长期坚持"),
    ("党的建设", "宣传思想和精神文明：实现新时代文明实践站全覆盖，全年开展志愿服务活动200场次。",
     L_HUANG, "党政办", "文化站、各村（社区）", "全年"),
    ("党的建设", "作风建设：建立重点工作月调度、季通报制度，持续整治形式主义、为基层减负。",
     L_SHU, "党政综合办公室", "", ""),
]

HEADER = ["序号", "工作类别", "工作任务", "牵头领导", "牵头单位", "配合单位", "完成时限"]
COL_WIDTHS_CM = [1.3, 2.0, 10.0, 3.2, 3.2, 3.8, 2.5]

INTRO = [
    "为全面完成2025年全镇经济社会发展各项目标任务，经镇党委、政府研究，现将《柳湾镇2025年重点工作任务分解表》印发给你们，请结合实际，认真抓好落实。现就有关事项通知如下：",
    "一、压实工作责任。表中牵头领导为分管责任领导，牵头单位为第一责任单位，负责制定具体推进方案，统筹协调配合单位共同推进；配合单位要主动对接、密切配合，形成工作合力。",
    "二、严格时间节点。各牵头单位要对照完成时限倒排工期、挂图作战；完成时限标注“全年”“长期坚持”的任务要常态推进、持续用力。",
    "三、加强调度督办。各牵头单位于每月25日前将当月工作进展情况报送镇党政综合办公室，由党政办汇总后每季度通报一次。对推进不力、未按时限完成任务的，将严肃追责问责。",
]
DATE = "2025年2月18日"


def set_font(run, name="仿宋_GB2312", size=16, bold=False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def add_para(doc, text, size=16, font="仿宋_GB2312", align=None, bold=False, indent=True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    set_font(p.add_run(text), font, size, bold)
    return p


def fill_cell(cell, text, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, bold=False):
    """Fill a cell; '\n' inside task text makes new paragraphs when split_paras."""
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    run = p.add_run(text)  # '\n' becomes <w:br/>
    set_font(run, "仿宋_GB2312", size, bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def fill_cell_paras(cell, text, size=10.5):
    parts = text.split("\n")
    cell.text = ""
    first = True
    for part in parts:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        set_font(p.add_run(part), "仿宋_GB2312", size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def mark_header_row(row):
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def build_docx():
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    add_para(doc, TITLE, size=22, font="方正小标宋简体", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    add_para(doc, "", indent=False)
    add_para(doc, "各村（社区）、镇直各单位：", indent=False)
    for t in INTRO:
        add_para(doc, t)
    add_para(doc, "", indent=False)
    add_para(doc, "附件：" + TABLE_TITLE)
    add_para(doc, "", indent=False)
    add_para(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    add_para(doc, DATE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    # attachment in a landscape section
    new = doc.add_section()
    new.orientation = WD_ORIENT.LANDSCAPE
    new.page_width, new.page_height = Cm(29.7), Cm(21.0)
    new.top_margin, new.bottom_margin = Cm(2.0), Cm(2.0)
    new.left_margin, new.right_margin = Cm(2.0), Cm(2.0)

    add_para(doc, "附件", font="黑体", indent=False)
    add_para(doc, TABLE_TITLE, size=20, font="方正小标宋简体", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    table = doc.add_table(rows=1 + len(TASKS), cols=len(HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = table.rows[0]
    mark_header_row(hdr)
    for i, h in enumerate(HEADER):
        fill_cell(hdr.cells[i], h, size=11, bold=True)

    for idx, (cat, task, leader, lead, assist, deadline) in enumerate(TASKS, start=1):
        cells = table.rows[idx].cells
        fill_cell(cells[0], str(idx))
        fill_cell_paras(cells[2], task)
        fill_cell(cells[3], leader)
        fill_cell(cells[4], lead)
        fill_cell(cells[5], assist)
        fill_cell(cells[6], deadline)

    # merge category column vertically
    start = 0
    for i in range(1, len(TASKS) + 1):
        if i == len(TASKS) or TASKS[i][0] != TASKS[start][0]:
            top = table.cell(start + 1, 1)
            bottom = table.cell(i, 1)
            merged = top.merge(bottom) if i != start + 1 else top
            fill_cell(merged, TASKS[start][0], size=11)
            start = i

    for row in table.rows:
        for i, w in enumerate(COL_WIDTHS_CM):
            row.cells[i].width = Cm(w)

    os.makedirs(os.path.dirname(OUT_DOCX), exist_ok=True)
    doc.save(OUT_DOCX)


def build_md():
    lines = [f"# {TITLE}", "", f"发文：{ISSUER}  日期：{DATE}", "", f"## 附件：{TABLE_TITLE}", "",
             "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for idx, (cat, task, leader, lead, assist, deadline) in enumerate(TASKS, start=1):
        cells = [str(idx), cat, task.replace("\n", "<br>"), leader, lead.replace("\n", "<br>"),
                 assist.replace("\n", "<br>"), deadline]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    cats = []
    for t in TASKS:
        if t[0] not in cats:
            cats.append(t[0])
    lines.append("## 类别与序号")
    for c in cats:
        nums = [str(i) for i, t in enumerate(TASKS, 1) if t[0] == c]
        lines.append(f"- {c}：{nums[0]}–{nums[-1]}（{len(nums)}项）")
    with open(OUT_MD, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    build_docx()
    build_md()
    print("tasks:", len(TASKS))
