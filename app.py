"""Serve the web chat: `python app.py` listens on 127.0.0.1:7860; --host/--port or ASSISTANT_WEB_* change it.

A thin entry point: settings from the environment, one Assistant loaded at startup, the app from assistant.apps.web.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

# The machine may have no network: keep Gradio from phoning home (set before gradio is imported).
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="政府工作任务问答助手 web chat")
    parser.add_argument("--host", default=None, help="address to listen on (default: ASSISTANT_WEB_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: ASSISTANT_WEB_PORT or 7860)")
    parser.add_argument("--generator", choices=["extractive", "openai", "local"], default=None,
                        help="who writes the answers (default: ASSISTANT_GENERATOR or extractive)")
    parser.add_argument("--model", choices=["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"], default=None,
                        help="the local model for --generator local (default: ASSISTANT_LOCAL_MODEL or the 0.5B)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the assistant does")
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: object) -> None:
    """Turn SIGTERM into KeyboardInterrupt: Gradio then closes the server and exit handlers run."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    from assistant.apps.web import build_app, serve
    from assistant.errors import AssistantError
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    try:
        settings = Settings.from_env(web_host=args.host, web_port=args.port, generator=args.generator,
                                     local_model=args.model)
        assistant = Assistant(settings)
    except AssistantError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    app = build_app(assistant, settings)
    # SIGTERM (a service manager, a container stop) closes like Ctrl-C, so temp files and folders are removed
    signal.signal(signal.SIGTERM, _interrupt)
    serve(app, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
