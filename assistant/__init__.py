"""Question answering over government work-plan notices, with exact task citations."""

from .answering import Assistant, answer, get_assistant
from .records import Answer, Task
from .settings import Settings

__all__ = ["Answer", "Assistant", "Settings", "Task", "answer", "get_assistant"]
