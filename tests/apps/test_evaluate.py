"""The 评测 tab's rules without a server: when it is on, which generator a web run scores, the progress text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.answer.backends import Message
from assistant.apps.evaluate import eval_enabled, progress_html, question_set, scoring_assistant
from assistant.errors import ConfigError
from assistant.eval.metrics import exact
from assistant.eval.systems import assistant_system, each_result


class CountingModel:
    """A generator that counts how often it is asked and writes one grounded sentence about task 43."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> Iterator[str]:
        self.calls += 1
        yield "今年全年新增公共停车泊位600个以上【任务43】。"


@pytest.mark.parametrize(("env", "on"), [
    ({}, True),                                                    # loopback (the default host)
    ({"ASSISTANT_WEB_HOST": "0.0.0.0"}, False),                    # public, no login
    ({"ASSISTANT_WEB_HOST": "0.0.0.0", "ASSISTANT_WEB_AUTH": "a:b"}, True),
    ({"ASSISTANT_WEB_HOST": "localhost"}, True),
    ({"ASSISTANT_WEB_HOST": "::1"}, True),
    ({"ASSISTANT_WEB_HOST": "0.0.0.0", "ASSISTANT_WEB_EVAL": "on"}, True),
    ({"ASSISTANT_WEB_EVAL": "off"}, False),
])
def test_eval_tab_is_on_behind_a_login_or_on_loopback(env: dict[str, str], on: bool) -> None:
    assert eval_enabled(Settings.from_env(environ=env)) is on


def test_web_eval_generator_is_off_unless_set() -> None:
    assert Settings.from_env(environ={}).web_eval_generator is False
    assert Settings.from_env(environ={"ASSISTANT_WEB_EVAL_GENERATOR": "true"}).web_eval_generator is True
    with pytest.raises(ConfigError, match="ASSISTANT_WEB_EVAL_GENERATOR"):
        Settings.from_env(environ={"ASSISTANT_WEB_EVAL_GENERATOR": "maybe"})


def test_a_web_run_uses_the_model_only_when_a_setting_allows_it(assistant: Assistant, tmp_path: Path) -> None:
    model = CountingModel()
    with_model = assistant.with_generator(model)
    assert with_model.generation.uses_model
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "t1", "question": "停车泊位今年新增多少?", "gold_tasks": [43], "type": "target"}\n',
                    encoding="utf-8")
    questions, errors = question_set(path, with_model, with_model.settings)
    assert errors == []

    denied = scoring_assistant(with_model, with_model.settings.with_(web_eval_generator=False))
    assert not denied.generation.uses_model and denied.notices is with_model.notices  # nothing loaded again
    results = list(each_result(assistant_system(denied, {}), questions, errors))
    assert model.calls == 0 and exact(questions[0], results[0])

    allowed = scoring_assistant(with_model, with_model.settings.with_(web_eval_generator=True))
    assert allowed is with_model
    results = list(each_result(assistant_system(allowed, {}), questions, errors))
    assert model.calls >= 1 and results[0].answer.startswith("今年全年新增公共停车泊位600个以上")
    # an extractive assistant is scored as it is, whatever the setting
    assert scoring_assistant(assistant, assistant.settings) is assistant


def test_progress_says_done_wrong_and_time_left() -> None:
    assert "已完成 <b>0</b>/10 题,错 <b>0</b> 题,正在估算剩余时间" in progress_html(0, 10, 0, 0.0)
    running = progress_html(4, 10, 1, 8.0)
    assert "已完成 <b>4</b>/10 题,错 <b>1</b> 题,预计还需 0 分 12 秒" in running
    assert '<progress value="4" max="10"' in running
    assert "预计还需 2 分 30 秒" in progress_html(1, 11, 0, 15.0)
    assert "全部完成,用时 20.0 秒" in progress_html(10, 10, 3, 20.0)
