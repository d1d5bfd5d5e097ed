"""Notice identity: issuer, place, level, year and a short title, derived from each notice's own text."""

from __future__ import annotations

from dataclasses import replace

from assistant.ingest.identity import derive_identity
from assistant.ingest.parse import parse_notice
from assistant.records import CoveringNotice, Level, Notice

PLAN = "2023年重点工作任务分解方案\n一、稳增长\n1.新增企业10家。(县发改局主办)\n"


def _notice(title: str, issuer: str = "", doc_number: str = "") -> Notice:
    notice = parse_notice(f"{title}\n各乡镇:\n现将方案印发给你们。\n{issuer}\n2023年3月1日\n{PLAN}", doc_id="x")
    return replace(notice, meta=replace(notice.meta, doc_number=doc_number))


def test_the_seed_is_known_by_its_units_and_document_number(notice: Notice) -> None:
    # its title says only 「区政府」 and its issuer line is corrupted: the place is the name that prefixes its
    # own units (鼓楼公安分局, 鼓楼消防救援大队) and opens its document number (鼓政〔2024〕2号)
    identity = notice.identity
    assert (identity.place, identity.level, identity.year) == ("鼓楼区", Level.DISTRICT, "2024")
    assert identity.issuer == "鼓楼区政府" and identity.place_short == "鼓楼"
    assert identity.short_title == "鼓楼区2024年主要工作目标任务分解落实方案"


def test_a_title_naming_its_government() -> None:
    identity = derive_identity(_notice("南京市玄武区人民政府关于印发2023年重点工作任务分解方案的通知"))
    assert (identity.place, identity.level, identity.issuer) == ("玄武区", Level.DISTRICT, "南京市玄武区人民政府")
    assert identity.year == "2023" and identity.short_title == "玄武区2023年重点工作任务分解方案"
    city = derive_identity(_notice("南京市人民政府关于印发2023年重点工作任务分解方案的通知"))
    assert (city.place, city.level) == ("南京市", Level.CITY)


def test_an_issuer_line_when_the_title_does_not_say() -> None:
    identity = derive_identity(_notice("关于印发2023年重点工作任务分解方案的通知", issuer="青山县人民政府"))
    assert (identity.place, identity.level, identity.issuer) == ("青山县", Level.COUNTY, "青山县人民政府")


def test_nothing_is_made_up_when_the_text_does_not_say() -> None:
    identity = derive_identity(_notice("关于印发2023年重点工作任务分解方案的通知"))
    assert (identity.place, identity.level, identity.issuer) == ("", Level.UNKNOWN, "")
    assert identity.year == "2023" and identity.short_title == "重点工作任务分解方案"
    bare = derive_identity(replace(_notice("x"), covering=CoveringNotice("", (), "", "", "")))
    assert bare.place == ""


def test_every_layout_fixture_knows_its_place_year_and_title() -> None:
    from pathlib import Path

    from assistant.ingest.corpus import parse_file

    layouts = Path(__file__).parents[1] / "fixtures" / "layouts"
    found = {p.name: parse_file(p).identity for p in sorted(layouts.iterdir()) if p.suffix != ".json"}
    assert {name: (i.place, i.level, i.year, i.issuer, i.short_title) for name, i in found.items()} == {
        "liuxi_2023_label_lines.txt": ("柳溪县", Level.COUNTY, "2023", "柳溪县人民政府办公室",
                                       "柳溪县2023年县政府重点工作责任分工"),
        "meiling_2024_page.html": ("梅岭区", Level.DISTRICT, "2024", "梅岭区人民政府",
                                   "梅岭区2024年政府工作报告重点工作任务分工"),
        "qinghe_2025_brackets.txt": ("青禾区", Level.DISTRICT, "2025", "青禾区人民政府",
                                     "青禾区2025年重点工作任务分解方案"),
        "shiwan_2025_label_lines.txt": ("石湾区", Level.DISTRICT, "2025", "石湾区人民政府",
                                        "石湾区政府2025年重点工作任务分解和责任分工方案"),
        # a bare table: the place and year only from its title row
        "tongshan_2022_table.xlsx": ("桐山区", Level.DISTRICT, "2022", "", "桐山区2022年政府工作报告重点任务分解表"),
        "yunling_2026_table.docx": ("云岭市", Level.CITY, "2026", "云岭市人民政府办公室", "云岭市2026年重点工作任务责任分解表"),
    }
    assert found["yunling_2026_table.docx"].place_short == "云岭"


def test_joint_issuers_and_provinces() -> None:
    joint = derive_identity(_notice("中共青山县委办公室 青山县人民政府办公室关于印发2023年重点工作任务分解方案的通知"))
    assert (joint.place, joint.level) == ("青山县", Level.COUNTY)
    province = derive_identity(_notice("河川省人民政府关于印发2023年重点工作任务分解方案的通知"))
    assert (province.place, province.level, province.issuer) == ("河川省", Level.PROVINCE, "河川省人民政府")


def test_a_street_or_a_town_and_the_district_it_is_in() -> None:
    street = derive_identity(_notice("云溪区青禾街道办事处关于印发2025年重点工作任务分解方案的通知"))
    assert (street.place, street.level, street.parent) == ("青禾街道", Level.STREET, "云溪区")
    assert street.issuer == "云溪区青禾街道办事处" and street.place_short == "青禾"
    assert street.short_title == "青禾街道2023年重点工作任务分解方案"
    town = derive_identity(_notice("关于印发2023年重点工作任务分解方案的通知", issuer="青山县白沙镇人民政府"))
    assert (town.place, town.level, town.parent, town.issuer) == ("白沙镇", Level.TOWN, "青山县", "青山县白沙镇人民政府")
    alone = derive_identity(_notice("桃源乡人民政府关于印发2023年重点工作任务分解方案的通知"))
    assert (alone.place, alone.level, alone.parent) == ("桃源乡", Level.TOWNSHIP, "")


def test_a_notice_a_department_issued() -> None:
    # 「霁州市教育局关于印发…」: a city's bureau issued it; the place is the city's, the issuer the bureau
    identity = derive_identity(_notice("霁州市教育局关于印发2023年工作要点任务分工方案的通知"))
    assert (identity.place, identity.level, identity.issuer) == ("霁州市", Level.CITY, "霁州市教育局")
    # a government's own office is still the government's
    identity = derive_identity(_notice("岑溪县人民政府办公室关于印发2023年重点工作任务分解方案的通知"))
    assert (identity.place, identity.issuer) == ("岑溪县", "岑溪县人民政府办公室")
