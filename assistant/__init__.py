"""Question answering over government work-plan notices, with exact task citations.

The packages are the pipeline's stages, in order: `ingest` (read and parse notices, their units and identity),
`index` (chunks, embeddings, the Chroma store), `query` (what a question asks, retrieval), `answer` (evidence,
composed texts, generation). `pipeline.Assistant` joins them; `apps` (CLI, web chat) and `eval` only call it.
"""

from .pipeline import Assistant, answer, get_assistant
from .records import Answer, Ref, Role, Task
from .settings import Settings

__all__ = ["Answer", "Assistant", "Ref", "Role", "Settings", "Task", "answer", "get_assistant"]
