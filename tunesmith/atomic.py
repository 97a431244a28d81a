"""Folders that appear whole or not at all: checkpoints, shipped models and corpus caches are built in a
temporary sibling and renamed into place, so a killed process never leaves half of one behind."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder(folder) -> Iterator[Path]:
    """Yield an empty temporary sibling of `folder` to fill; when the block ends without error it replaces
    `folder` (the old one is renamed aside first and removed after), otherwise it is removed."""
    folder = Path(folder)
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
