"""The web app's own temp folder (CSV downloads): named for its process, removed at exit, stale ones at start."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "assistant-web-"
_UNNAMED_STALE_AFTER = 3600.0  # seconds: folders of older versions carry no process id


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path | None = None) -> list[Path]:
    """Remove folders left by web apps that are gone: their process has exited (or, for an old unnamed folder,
    it is over an hour old). Returns what was removed."""
    root = parent or Path(tempfile.gettempdir())
    removed = []
    for folder in root.glob(PREFIX + "*"):
        pid_part = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid_part.isdigit() and "-" in folder.name[len(PREFIX):]:
            stale = not _alive(int(pid_part))
        else:
            stale = time.time() - folder.stat().st_mtime > _UNNAMED_STALE_AFTER
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def make_work_dir(parent: Path | None = None) -> Path:
    """A fresh folder for this process (stale ones removed first), removed again when the process exits."""
    remove_stale(parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    atexit.register(shutil.rmtree, folder, True)
    return folder
