#!/usr/bin/env python3
"""Generate a fictional saved government web page (青岚区2025年民生实事项目实施方案)
and its ground-truth reference (notice_reference.md).

All places, units, people and numbers are invented (测试样本,非真实文件).
"""
import html
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DOC_ID = "999_fresh16_district_2025"
HTML_PATH = os.path.join(HERE, "corpus", DOC_ID + ".html")
REF_PATH = os.path.join(HERE, "notice_reference.md")

# Name variants as written on the page -> canonical (short) unit name
CANON = {
    "区卫生健康局": "区卫健局",
    "区住房和城乡建设局": "区住建局",
    "区城市管理局": "区城管局",
    "区交通运输局": "区交通局",
    "区人力资源和社会保障局": "区人社局",
    "区医疗保障分局": "区医保分局",
    "区市场监督管理局": "区市场监管局",
    "区文化和旅游局": "区文旅局",
    "区发展改革委": "区发改委",
    "各街道办事处": "街道办事处",
    "相关街道办事处": "街道办事处",
}

LEAD_MARK = "（牵头）"

CATEGORIES = [
    "一、教育类",
    "二、医疗健康类",
    "三、养老托育类",
    "四、城市建设类",
    "五、交通出行类",
    "六、就业社保类",
    "七、文体惠民类",
]

# (no, category index, name, content (with <br> for multi-point), units as written, deadline)
PROJECTS = [
    (1, 0, "新建改扩建公办幼儿园",
     "新建、改扩建公办幼儿园3所,新增公办学前教育学位900个。",
     "区教育局（牵头）、区住建局、区财政局、各街道办事处", "2025年8月底"),
    (2, 0, "中小学课后服务和校园食品安全提升",
     "1.在全区42所公办中小学全面开展课后服务,惠及学生3.5万人;<br>2.完成15所学校食堂“互联网+明厨亮灶”改造。",
     "区教育局（牵头）、区市场监管局", "2025年9月底"),
    (3, 0, "建成青岚区第二实验学校",
     "建成投用九年一贯制学校1所,设置教学班45个,新增学位2070个。",
     "区教育局（牵头）、区住房和城乡建设局（牵头）、区发改委、区自然资源分局", "2025年8月底"),
    (4, 0, "中小学生视力及脊柱健康筛查",
     "为全区中小学生免费开展视力筛查和脊柱侧弯筛查,覆盖学生4.2万人,建立学生视力健康档案。",
     "区教育局（牵头）、区卫健局", "全年"),
    (5, 1, "老年人流感疫苗免费接种",
     "为全区60周岁以上户籍老年人免费接种流感疫苗,全年接种不少于2万剂次。",
     "区卫生健康局（牵头）、区财政局、各街道办事处", "2025年12月底"),
    (6, 1, "社区卫生服务中心提质扩能",
     "1.完成3家社区卫生服务中心提标改造;<br>2.每家社区卫生服务中心至少开设1个夜间门诊,服务时间延长至21:00;<br>3.新增家庭医生签约服务1万人。",
     "区卫健局（牵头）、区住建局、各街道办事处", "2025年10月底"),
    (7, 1, "适龄妇女“两癌”免费筛查",
     "为全区35—64周岁适龄妇女免费开展宫颈癌、乳腺癌筛查1.5万人。",
     "区妇联（牵头）、区卫健局（牵头）", "全年"),
    (8, 1, "医保服务“就近办”",
     "1.在全区8个街道便民服务中心设立医保服务站,实现参保登记、异地就医备案等20项医保业务就近办理;<br>2.定点医药机构医保码结算覆盖率达到100%。",
     "区医疗保障分局（牵头）、各街道办事处", "2025年6月底"),
    (9, 1, "公共场所急救设施配置",
     "在学校、体育场馆、地铁站等人员密集公共场所新增配置自动体外除颤器(AED)300台,培训持证急救员2000名。",
     "区卫健局（牵头）、区红十字会、区教育局、区体育局", "2025年11月底"),
    (10, 2, "社区老年助餐服务",
     "新建社区长者食堂(老年助餐点)20个,为80周岁以上老年人提供每餐3元助餐补贴。",
     "区民政局（牵头）、区财政局、各街道办事处", "2025年9月底"),
    (11, 2, "特殊困难老年人家庭适老化改造",
     "为300户特殊困难老年人家庭实施居家适老化改造,加装扶手、防滑地面、紧急呼叫设备等。",
     "区民政局（牵头）、区残联", "2025年11月底"),
    (12, 2, "普惠托育服务扩容",
     "新增普惠性托位600个,其中建设社区嵌入式托育点10个。",
     "区卫健局（牵头）、区教育局、区妇联、各街道办事处", "2025年12月底"),
    (13, 2, "街道综合养老服务中心建设",
     "建成街道综合养老服务中心3个,新增养老床位240张。",
     "区民政局（牵头）、区住建局", "2025年10月底"),
    (14, 2, "家庭养老床位建设",
     "为失能、半失能老年人建设家庭养老床位500张,提供上门护理服务。",
     "区民政局", "2025年12月底"),
    (15, 3, "老旧小区改造及加装电梯",
     "1.改造老旧小区12个,惠及居民5600户;<br>2.既有住宅加装电梯40部。",
     "区住建局（牵头）、区财政局、各街道办事处", "2025年12月底"),
    (16, 3, "排水防涝设施改造",
     "完成8个小区雨污分流改造,整治积水易涝点6处。",
     "区水务局（牵头）、区住建局、区城管局", "2025年6月底"),
    (17, 3, "口袋公园和绿道建设",
     "新建口袋公园10个,新建、改造绿道15公里。",
     "区城市管理局（牵头）、区自然资源分局", "2025年10月底"),
    (18, 3, "生活垃圾分类提质",
     "建成生活垃圾分类示范小区50个,改造提升垃圾分类投放点300个。",
     "区城管局（牵头）、各街道办事处", "全年"),
    (19, 3, "燃气安全提升",
     "1.更新改造老旧燃气管道35公里;<br>2.为1万户居民家庭免费安装燃气泄漏报警器。",
     "区住建局（牵头）、区应急管理局、区市场监管局", "2025年11月底"),
    (20, 3, "农贸市场标准化改造",
     "完成6个农贸市场标准化改造,每个市场设立食品安全快检室。",
     "区市场监督管理局（牵头）、区商务局、相关街道办事处", "2025年9月底"),
    (21, 4, "新增公共停车泊位",
     "新增公共停车泊位2000个,其中利用边角地、闲置地建设临时停车场8处。",
     "区交通运输局（牵头）、公安青岚分局交警大队、区城管局", "2025年12月底"),
    (22, 4, "公交线网优化",
     "1.新开、优化公交线路10条;<br>2.开通社区“微循环”公交线路3条,方便居民接驳地铁站。",
     "区交通局", "2025年9月底"),
    (23, 4, "新能源汽车充电设施建设",
     "新建公共充电桩1000个,其中快充桩不少于400个。",
     "区发展改革委（牵头）、区交通局、区住建局", "2025年12月底"),
    (24, 4, "中小学校周边交通秩序改善",
     "完成20所中小学校周边交通安全设施改造,设置“即停即走”接送车位。",
     "公安青岚分局交警大队（牵头）、区教育局、区交通局", "2025年8月底"),
    (25, 5, "稳就业促创业",
     "1.城镇新增就业1.2万人,举办线上线下招聘会100场;<br>2.建成区级零工市场1个、街道零工驿站8个。",
     "区人力资源和社会保障局（牵头）、区总工会、团区委、各街道办事处", "全年"),
    (26, 5, "职业技能提升培训",
     "开展补贴性职业技能培训8000人次,其中退役军人专项培训500人次。",
     "区人社局（牵头）、区退役军人事务局", "2025年12月底"),
    (27, 5, "困难群众参保资助",
     "为低保对象、特困人员等困难群众全额资助参加城乡居民基本医疗保险,资助约6000人。",
     "区医保分局（牵头）、区民政局（牵头）、区财政局", "2025年6月底"),
    (28, 6, "社区健身设施建设",
     "新建、更新社区健身路径50处,新建笼式足球场、篮球场等体育场地10片。",
     "区体育局（牵头）、各街道办事处", "2025年10月底"),
    (29, 6, "文化惠民活动",
     "1.开展“文化进社区”公益演出200场;<br>2.建成城市书房5个。",
     "区文化和旅游局（牵头）、各街道办事处", "全年"),
    (30, 6, "学校体育场地向社会开放",
     "推动30所中小学校体育场地在节假日、寒暑假向周边居民免费开放。",
     "区体育局（牵头）、区教育局", "2025年7月底"),
]


def canon(name):
    return CANON.get(name, name)


def parse_units(units):
    """Return (lead list, assist list) of canonical names. A single unmarked
    unit is the (sole) responsible = lead unit."""
    parts = [p.strip() for p in units.split("、") if p.strip()]
    leads, assists = [], []
    for p in parts:
        if p.endswith(LEAD_MARK):
            leads.append(canon(p[: -len(LEAD_MARK)]))
        else:
            assists.append(canon(p))
    if not leads and len(assists) == 1:
        leads, assists = assists, []
    return leads, assists


def cat_counts():
    counts = [0] * len(CATEGORIES)
    for p in PROJECTS:
        counts[p[1]] += 1
    return counts


NAV = """<div class="top-bar"><div class="w1200"><span class="date" id="today"></span>
<a href="/">首页</a> | <a href="/wza/">无障碍</a> | <a href="/en/">English</a> | <a href="/m/">移动版</a></div></div>
<div class="header"><div class="w1200"><a href="/" class="logo"><img src="/images/logo.png" alt="青岚区人民政府"></a>
<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键词"><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul class="w1200">
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjql/">走进青岚</a></li><li><a href="/ztzl/">专题专栏</a></li></ul></div>
"""

SIDEBAR = """<div class="sidebar">
<div class="side-box"><h3>政府信息公开</h3><ul>
<li><a href="/zwgk/zfwj/">政府文件</a></li><li><a href="/zwgk/ghjh/">规划计划</a></li>
<li><a href="/zwgk/czzj/">财政资金</a></li><li><a href="/zwgk/jytabl/">建议提案办理</a></li></ul></div>
<div class="side-box"><h3>相关文件</h3><ul>
<li><a href="/zwgk/zfwj/2024/0315.html">青岚区人民政府办公室关于开展2025年民生实事项目征集工作的通知</a></li>
<li><a href="/zwgk/zfwj/2024/1120.html">青岚区2024年民生实事项目完成情况公告</a></li>
<li><a href="/zwgk/jd/2025/0228.html">图解:一图读懂青岚区2025年民生实事</a></li></ul></div>
</div>
"""

SCRIPT = """<script type="text/javascript">
  var _hmt = _hmt || [];
  (function () {
    var d = new Date();
    var w = ["日", "一", "二", "三", "四", "五", "六"];
    var el = document.getElementById("today");
    if (el) { el.innerHTML = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 星期" + w[d.getDay()]; }
    var hm = document.createElement("script");
    hm.src = "https://stats.example.invalid/hm.js?a1b2c3d4e5";
    var s = document.getElementsByTagName("script")[0];
    s.parentNode.insertBefore(hm, s);
  })();
  function setFontSize(size) { document.getElementById("zoom").style.fontSize = size + "px"; }
  function printPage() { window.print(); }
</script>
"""

SHARE = """<div class="share-bar">
<span>分享到:</span><a href="javascript:void(0)" class="wx" title="微信">微信</a>
<a href="javascript:void(0)" class="wb" title="微博">微博</a><a href="javascript:void(0)" class="qq" title="QQ空间">QQ空间</a>
<span class="tools">【字体:<a href="javascript:setFontSize(20)">大</a> <a href="javascript:setFontSize(16)">中</a> <a href="javascript:setFontSize(14)">小</a>】
<a href="javascript:printPage()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></span>
</div>
<div class="prev-next"><p>上一篇:<a href="/zwgk/zfwj/2025/0210.html">青岚区人民政府关于2025年度区级重大建设项目安排的通知</a></p>
<p>下一篇:<a href="/zwgk/zfwj/2025/0305.html">青岚区人民政府办公室关于做好2025年春季森林防灭火工作的通知</a></p></div>
"""

FOOTER = """<div class="footer"><div class="w1200">
<p><a href="/about/">关于我们</a> | <a href="/sitemap/">网站地图</a> | <a href="/contact/">联系我们</a> | <a href="/privacy/">隐私声明</a></p>
<p>主办单位:青岚区人民政府办公室 承办单位:青岚区大数据服务中心</p>
<p>地址:江宁市青岚区虚构大道100号 邮编:000000 联系电话:0000-00000000</p>
<p>备案号:测ICP备00000000号-1 &nbsp; 公安备案号:测公网安备00000000000000号 &nbsp; 网站标识码:0000000000</p>
<p>本站为测试样本,所有内容均为虚构。</p>
</div></div>
"""


def build_table():
    rows = []
    rows.append('<table class="ssxm" border="1" cellspacing="0" cellpadding="4" width="100%">')
    rows.append('<thead><tr><th width="6%">序号</th><th width="18%">项目名称</th>'
                '<th width="40%">主要内容及目标</th><th width="24%">责任单位</th>'
                '<th width="12%">完成时限</th></tr></thead>')
    rows.append("<tbody>")
    counts = cat_counts()
    last_cat = None
    for no, ci, name, content, units, deadline in PROJECTS:
        if ci != last_cat:
            rows.append('<tr class="cat"><td colspan="5" style="text-align:left;font-weight:bold">'
                        f'{CATEGORIES[ci]}({counts[ci]}项)</td></tr>')
            last_cat = ci
        rows.append(f'<tr><td style="text-align:center">{no}</td><td>{html.escape(name)}</td>'
                    f'<td>{content}</td><td>{html.escape(units)}</td>'
                    f'<td style="text-align:center">{html.escape(deadline)}</td></tr>')
    rows.append("</tbody></table>")
    return "\n".join(rows)


def build_html():
    title = "【测试样本,非真实文件】青岚区人民政府关于印发青岚区2025年民生实事项目实施方案的通知"
    n = len(PROJECTS)
    body = f"""<div class="article">
<h1 class="art-title">{title}</h1>
<div class="art-info"><span>发布时间:2025-02-26 10:30</span> <span>来源:青岚区人民政府办公室</span> <span>浏览次数:<em id="hits">1288</em></span></div>
<table class="xxgk-meta" border="0">
<tr><td>索引号:</td><td>QL00000-0000-2025-00012</td><td>主题分类:</td><td>综合政务</td></tr>
<tr><td>发文机关:</td><td>青岚区人民政府</td><td>成文日期:</td><td>2025年2月20日</td></tr>
<tr><td>发文字号:</td><td>青政发〔2025〕3号</td><td>有效性:</td><td>有效</td></tr>
</table>
<div class="art-content" id="zoom">
<p style="text-align:center">青政发〔2025〕3号</p>
<p style="text-align:center"><strong>青岚区人民政府关于印发青岚区2025年民生实事项目实施方案的通知</strong></p>
<p>各街道办事处,区政府各部门,各直属机构:</p>
<p>　　《青岚区2025年民生实事项目实施方案》已经区政府常务会议研究同意,现印发给你们,请认真组织实施。</p>
<p>　　(说明:本文件为测试样本,非真实文件。文中的江宁市、青岚区以及所有地名、单位、人员和数字均为虚构。)</p>
<p style="text-align:right">青岚区人民政府</p>
<p style="text-align:right">2025年2月20日</p>
<p>(此件公开发布)</p>
<hr>
<p style="text-align:center"><strong>青岚区2025年民生实事项目实施方案</strong></p>
<p>　　为进一步保障和改善民生,持续增进人民群众福祉,经公开征集、专家论证、区人大代表票决,确定2025年区级民生实事项目{n}项。现制定实施方案如下。</p>
<p><strong>一、总体要求</strong></p>
<p>　　坚持以人民为中心的发展思想,聚焦群众急难愁盼问题,尽力而为、量力而行,确保每一件实事办实办好、群众可感可及。</p>
<p><strong>二、项目安排</strong></p>
<p>　　2025年民生实事项目共{n}项,涵盖教育、医疗健康、养老托育、城市建设、交通出行、就业社保、文体惠民等7个方面,具体如下:</p>
<p style="text-align:center"><strong>2025年民生实事项目</strong></p>
{build_table()}
<p><strong>三、保障措施</strong></p>
<p>　　(一)加强组织领导。各牵头单位主要负责同志为第一责任人,要制定具体工作方案,明确时间表、路线图;配合单位要主动对接、密切协作。</p>
<p>　　(二)强化资金保障。区财政局要按照项目进度及时拨付资金,各责任单位要严格资金管理,提高资金使用效益。</p>
<p>　　(三)严格督查考核。区政府督查室对项目实行月调度、季通报,项目推进情况纳入年度绩效考核。</p>
<p>　　(四)广泛接受监督。各牵头单位要通过政府网站、新闻媒体等及时公开项目进展,主动接受人大代表、政协委员和社会各界监督。</p>
</div>
{SHARE}
</div>"""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="青岚区人民政府">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="2025-02-26 10:30">
<title>{title}_政府文件_青岚区人民政府</title>
<link rel="stylesheet" href="/css/common.css">
</head>
<body>
{NAV}
<div class="w1200 main">
<div class="breadcrumb">当前位置:<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zfwj/">政府文件</a> &gt; 正文</div>
<div class="main-left">
{body}
</div>
{SIDEBAR}
</div>
{FOOTER}
{SCRIPT}
</body>
</html>
"""


def build_reference():
    out = ["# 参考答案:青岚区2025年民生实事项目(测试样本,全部虚构)", "",
           f"文档:{DOC_ID};项目总数 {len(PROJECTS)}。", "",
           "单位名称规范化(页面写法 → 规范名):" + ";".join(f"{k}→{v}" for k, v in CANON.items()), "",
           "说明:只列一个单位且未标(牵头)的项目,该单位视为牵头(唯一责任)单位。", ""]
    counts = cat_counts()
    out.append("## 类别")
    for i, c in enumerate(CATEGORIES):
        nos = [str(p[0]) for p in PROJECTS if p[1] == i]
        out.append(f"- {c}({counts[i]}项):{','.join(nos)}")
    out.append("")
    out.append("## 项目")
    for no, ci, name, content, units, deadline in PROJECTS:
        leads, assists = parse_units(units)
        out += [f"### {no}. {name}",
                f"- 类别: {CATEGORIES[ci]}",
                f"- 主要内容及目标: {content.replace('<br>', ' ')}",
                f"- 牵头单位: {'、'.join(leads)}",
                f"- 配合单位: {'、'.join(assists) if assists else '无'}",
                f"- 完成时限: {deadline}",
                f"- 原文责任单位: {units}",
                ""]
    return "\n".join(out)


def main():
    assert [p[0] for p in PROJECTS] == list(range(1, 31))
    os.makedirs(os.path.dirname(HTML_PATH), exist_ok=True)
    with open(HTML_PATH, "w", encoding="utf-8") as f:
        f.write(build_html())
    with open(REF_PATH, "w", encoding="utf-8") as f:
        f.write(build_reference())
    print("wrote", HTML_PATH, REF_PATH)


if __name__ == "__main__":
    main()
