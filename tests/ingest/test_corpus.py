"""Several documents: a second notice (a clearly marked test fixture), .docx and .pdf files, unstructured text,
citations that name their document, questions that pick a document by year, and `assistant add`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.ingest.corpus import parse_file

from ..conftest import CORPUS, ROOT

FIXTURE = Path(__file__).parents[1] / "fixtures" / "fixture_2025_plan.txt"
REAL = "000_d657d27eca61cd1c"
PLAIN = "关于做好冬季供暖保障工作的说明\n一、总体要求\n各供热单位要在11月15日前完成设备检修。确保居民温暖过冬。\n二、具体措施\n开通24小时供暖服务热线。\n对困难家庭减免供暖费用。\n"


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("corpus2")
    for path in CORPUS.glob(f"{REAL}.*"):  # the notice and its knowledge file
        shutil.copy(path, corpus)
    shutil.copy(FIXTURE, corpus)
    (corpus / "winter_heating.txt").write_text(PLAIN, encoding="utf-8")
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index2"))
    return Assistant(settings)


def _refs(answer, doc: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [n for d, n in answer.refs if d == doc]


def test_three_documents_load(two: Assistant) -> None:
    assert [n.doc_id for n in two.notices] == [REAL, "fixture_2025_plan", "winter_heating"]
    assert [n.year for n in two.notices[:2]] == ["2024", "2025"]
    assert two.notices[2].structured is False
    assert two.index.count() == 85 + (1 + 2 + 8) + (1 + 2 + 3)


def test_citations_name_the_document(two: Assistant) -> None:
    answer = two.answer("区商务局负责哪些任务?")
    assert "【《2024年区政府主要工作目标任务分解落实方案》任务2】" in answer.text
    assert "【《2025年区政府主要工作目标任务分解落实方案》任务1】" in answer.text
    # unit questions list per document; the first notice's answer is unchanged
    assert _refs(answer, REAL) == [2, 3, 5, 7, 9, 10, 11, 13, 15]
    assert _refs(answer, "fixture_2025_plan") == [1, 4]
    assert [(t.doc_id, t.number) for t in answer.sources] == list(answer.refs)


def test_a_year_picks_the_document(two: Assistant) -> None:
    a2025 = two.answer("2025年方案里区商务局负责哪些任务?")
    assert a2025.refs == (("fixture_2025_plan", 1), ("fixture_2025_plan", 4))
    parking = two.answer("2025年新增多少公共停车泊位?")
    assert parking.refs[0] == ("fixture_2025_plan", 2) and "800" in parking.text
    old = two.answer("2024年新增多少公共停车泊位?")
    assert old.refs[0] == (REAL, 43) and "600" in old.text
    assert two.answer("2026年新增多少公共停车泊位?").refused
    assert two.answer("区数据局负责哪些任务?").refs == (("fixture_2025_plan", 3), ("fixture_2025_plan", 6))
    follow = two.answer("其中哪些是协办的?", ["2025年方案里区数据局负责哪些任务?"])
    assert follow.refs == (("fixture_2025_plan", 6),)


def test_unstructured_text_is_searchable_and_citable(two: Assistant) -> None:
    answer = two.answer("供暖服务热线开通多久?")
    assert answer.refs == (("winter_heating", 2),)
    assert "【《关于做好冬季供暖保障工作的说明》第2段】" in answer.text
    assert "24小时" in answer.text


def test_first_notice_eval_gold_holds_with_other_documents_loaded(two: Assistant) -> None:
    """Every department question of the eval set still gets exactly its gold tasks from the first notice."""
    lines = [json.loads(x) for x in (ROOT / "eval" / "questions.jsonl").read_text("utf-8").splitlines() if x.strip()]
    for q in (q for q in lines if q.get("unit") and not q.get("history")):
        answer = two.answer(q["question"])
        assert _refs(answer, REAL) == sorted(q["gold_tasks"]) or set(_refs(answer, REAL)) == set(q["gold_tasks"]), q


def test_docx_is_parsed_like_text(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in FIXTURE.read_text("utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "plan2025.docx"
    document.save(str(path))
    notice = parse_file(path)
    assert notice.structured and len(notice.tasks) == 8
    assert notice.task(6).assists == ("区数据局", "各街道")


def test_pdf_with_a_text_layer_is_parsed(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is needed to make the PDF fixture (scripts/install_browser.sh)")
        pytest.skip("chromium not installed")
    html = tmp_path / "plan.html"
    body = "".join(f"<p>{line}</p>" for line in FIXTURE.read_text("utf-8").splitlines())
    html.write_text(f"<html><meta charset='utf-8'><body>{body}</body></html>", encoding="utf-8")
    pdf = tmp_path / "plan2025.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    notice = parse_file(pdf)
    assert len(notice.tasks) == 8
    assert notice.task(2).leads == ("区城管局",)
    assert "800个以上" in notice.task(2).body


def test_add_command_validates_copies_and_indexes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(tmp_path / "index")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=300)

    added = cli("add", str(FIXTURE))
    assert added.returncode == 0, added.stderr
    assert "8 项任务" in added.stdout and (corpus / FIXTURE.name).exists()
    assert "版式:编号条目 一、 > 1.;单位在句末括号" in added.stdout  # the parse report
    assert "条目 8 项(2 个部分),有单位的 8 项" in added.stdout
    again = cli("add", str(FIXTURE))
    assert again.returncode == 2 and "already in the corpus" in again.stderr
    bad = tmp_path / "notes.xyz"
    bad.write_text("x")
    assert "unsupported file type" in cli("add", str(bad)).stderr
    old = tmp_path / "notes.doc"
    old.write_text("x")
    assert "save it as .docx" in cli("add", str(old)).stderr
    broken = tmp_path / "notes.xlsx"
    broken.write_text("x")
    assert "not a valid xlsx file" in cli("add", str(broken)).stderr and not (corpus / "notes.xlsx").exists()
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = cli("add", str(empty))
    assert result.returncode == 2 and "empty" in result.stderr and not (corpus / "empty.txt").exists()
    asked = cli("ask", "2025年新增多少公共停车泊位?")
    assert "800" in asked.stdout
    # a notice with its knowledge file beside it: both go into the corpus, the corrections are named
    source = tmp_path / "incoming"
    source.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "layouts" / "qinghe_2025_brackets.txt", source)
    (source / "qinghe_2025_brackets.knowledge.json").write_text(
        json.dumps({"corrections": {"tasks": {"4": {"lead": ["区投促局"], "assist": ["区商务局"]}}}}), "utf-8")
    with_corrections = cli("add", str(source / "qinghe_2025_brackets.txt"))
    assert with_corrections.returncode == 0, with_corrections.stderr
    assert "已应用更正文件:qinghe_2025_brackets.knowledge.json" in with_corrections.stdout
    assert (corpus / "qinghe_2025_brackets.knowledge.json").exists()


@pytest.mark.slow
def test_eval_sets_pass_with_the_fixture_notice_loaded(two: Assistant) -> None:
    """The fixture notice's own questions all pass (scored on every citation, whichever notice it names); the main
    set's citations of its own notice still meet the floors beside it.

    The main set's gold names only the real notice, while a question that names no notice is answered from every
    loaded one (「区商务局负责哪些任务?」 lists both notices' tasks), so scored on every citation its precision falls;
    that is measured here, not hidden: the share of answers citing the fixture is reported by the assertion."""
    from dataclasses import replace

    from assistant.eval.cli import evaluate
    from assistant.eval.metrics import check_floors
    from assistant.eval.questions import load_floors, load_question_set
    from assistant.eval.report import Evaluation

    fixture_questions, errors = load_question_set(ROOT / "eval" / "questions_fixture.jsonl", two.notices)
    fixture = evaluate(two, fixture_questions, ("assistant",), errors)["assistant"]
    assert errors == [] and fixture.wrong() == []
    questions, errors = load_question_set(ROOT / "eval" / "questions.jsonl", two.notices)
    main = evaluate(two, questions, ("assistant",), errors)["assistant"]
    own = [replace(r, refs=tuple(x for x in r.refs if x.doc_id == REAL),
                   retrieved=tuple(x for x in r.retrieved if x.doc_id == REAL)) for _, r in main.pairs]
    mine = Evaluation.of("assistant", [q for q, _ in main.pairs], own)
    assert check_floors(mine.overall, mine.by_type, load_floors(ROOT / "eval" / "floors.json")) == []
    crossing = sum(1 for _, r in main.pairs if any(x.doc_id != REAL for x in r.refs))
    assert crossing < len(questions) / 3, f"{crossing} of {len(questions)} answers cite the fixture notice"


def test_displays_name_the_document(two: Assistant) -> None:
    # with several notices, the unit table, the sources panel and the CLI's source list say which notice a
    # task number belongs to (task 1 of 2025 is not task 1 of 2024)
    from assistant.apps.cli import render_sources
    from assistant.apps.render import format_answer_html, section_labels
    from assistant.apps.units_table import unit_table

    commerce = next(r for r in unit_table(two) if r.name == "区商务局")
    assert commerce.cells()[2] == ("《2024年区政府主要工作目标任务分解落实方案》2、3、5、7、9、10、11、13、15;"
                                   "《2025年区政府主要工作目标任务分解落实方案》1、4")
    answer = two.answer("区商务局负责哪些任务?")
    shown = format_answer_html(answer, section_labels(two.notices), two.citer.mark)
    assert "<summary>【《2025年区政府主要工作目标任务分解落实方案》任务1】" in shown
    assert '>【《2025年区政府主要工作目标任务分解落实方案》任务4】</span>' in shown
    listed = render_sources(answer, two.citer.mark)
    assert "【《2025年区政府主要工作目标任务分解落实方案》任务1】" in listed
    assert "\n【任务1】" not in listed


@pytest.mark.slow
def test_the_seeds_floors_hold_with_every_layout_fixture_beside_it(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The seed and the six layout fixtures in one corpus: the seed's questions, scored on the seed's own
    citations, still meet its floors; every fixture's unit questions are answered exactly.

    A seed question that expects a refusal because the seed names no such unit (「区税务局负责哪些任务?」) is
    rightly answered once a fixture that names it is loaded; those are left out of the refusal score, and counted."""
    from dataclasses import replace

    from assistant.eval.cli import evaluate
    from assistant.eval.metrics import check_floors
    from assistant.eval.questions import load_floors, load_question_set
    from assistant.eval.report import Evaluation

    corpus = tmp_path_factory.mktemp("corpus_layouts")
    for path in CORPUS.glob(f"{REAL}.*"):
        shutil.copy(path, corpus)
    for path in (ROOT / "tests" / "fixtures" / "layouts").iterdir():
        shutil.copy(path, corpus)
    both = Assistant(Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("ix")))
    assert len(both.notices) == 7
    questions, errors = load_question_set(ROOT / "eval" / "questions.jsonl", both.notices)
    main = evaluate(both, questions, ("assistant",), errors)["assistant"]
    others = {u.name for n in both.notices[1:] for t in n.tasks for u in t.units}
    names = {a for u in others for a in both.units.units[u].aliases if len(a) >= 3}  # 区农业农村局 for 县农业农村局
    answered_elsewhere = [q for q, _ in main.pairs if q.expect_refusal and any(a in q.question for a in names)]
    kept = [(q, r) for q, r in main.pairs if q not in answered_elsewhere]
    own = [replace(r, refs=tuple(x for x in r.refs if x.doc_id == REAL),
                   retrieved=tuple(x for x in r.retrieved if x.doc_id == REAL)) for _, r in kept]
    mine = Evaluation.of("assistant", [q for q, _ in kept], own)
    # a topic list is each notice's own (a fixture's 「河道清淤」 task does not crowd out the seed's drainage tasks):
    # every floor holds
    assert check_floors(mine.overall, mine.by_type, load_floors(ROOT / "eval" / "floors.json")) == []
    assert len(answered_elsewhere) <= 6, [q.question for q in answered_elsewhere]
    layout_questions, errors = load_question_set(ROOT / "eval" / "questions_layouts.jsonl", both.notices)
    assert errors == []
    layouts = evaluate(both, [q for q in layout_questions if q.unit], ("assistant",), [])["assistant"]
    missed = [q.id for q, r in layouts.pairs if not set(q.gold) <= set(r.refs)]
    assert missed == []
    # a unit asked of one notice: that notice's unit, not a word on its namesakes in the others
    one = both.answer("石湾区发改局牵头哪些任务?")
    assert {r.doc_id for r in one.refs} == {"shiwan_2025_label_lines"} and "没有分给" not in one.text
    # a question asked of every notice is answered from the notices that speak of it, not from each one's closest
    # task (柳溪's 「新增规上工业企业」 shares only 新增)
    speaking = {n.doc_id for n in both.notices if any("就业" in t.body for t in n.tasks)}
    each = both.answer("各地的通知里城镇新增就业的目标分别定的多少人?")
    assert 2 <= len(speaking) < len(both.notices) and {r.doc_id for r in each.refs} == speaking
