"""Snapshot every answer to a question set, or compare two snapshots question by question.

A refactor that must not change behaviour is checked with it: snapshot before, snapshot after, compare.

    python scripts/answer_snapshot.py snap eval/questions.jsonl --corpus corpus --out /tmp/before.json
    python scripts/answer_snapshot.py compare /tmp/before.json /tmp/after.json

`snap` asks each question after its `history` turns (as the eval does) and records the answer's text, citations,
(document, task) references, refusal and route. `compare` prints every question whose record differs and the count.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

FIELDS = ("text", "citations", "refs", "refused", "route")


def snap(questions: Path, corpus: Path, out: Path) -> int:
    from assistant import Assistant, Settings

    with tempfile.TemporaryDirectory() as index:
        assistant = Assistant(Settings.from_env(corpus_dir=corpus, index_dir=Path(index)))
        records = {}
        for line in questions.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            history = list(q.get("history", []))
            for i, turn in enumerate(history):
                assistant.answer(turn, history[:i])
            a = assistant.answer(q["question"], history)
            records[q["id"]] = {
                "question": q["question"],
                "text": a.text,
                "citations": [int(n) for n in a.citations],
                "refs": [[str(d), int(n)] for d, n in a.refs],
                "refused": bool(a.refused),
                "route": str(a.route),
            }
    out.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(records)} answers -> {out}")
    return 0


def compare(before: Path, after: Path) -> int:
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    diffs = 0
    for qid in sorted(set(old) | set(new)):
        a, b = old.get(qid), new.get(qid)
        if a is None or b is None:
            print(f"{qid}: only in {'after' if a is None else 'before'}")
            diffs += 1
            continue
        changed = [f for f in FIELDS if a.get(f) != b.get(f)]
        if changed:
            diffs += 1
            print(f"{qid} {a['question']!r}: {', '.join(changed)} differ")
            for f in changed:
                print(f"  before {f}: {a.get(f)!r}\n  after  {f}: {b.get(f)!r}")
    print(f"{diffs} of {len(set(old) | set(new))} questions differ")
    return 1 if diffs else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("snap")
    s.add_argument("questions", type=Path)
    s.add_argument("--corpus", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "snap":
        return snap(args.questions, args.corpus, args.out)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
