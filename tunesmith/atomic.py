"""Folders and sets of files that appear whole or not at all: checkpoints, shipped models and corpus caches
are built in a temporary sibling and renamed into place (`atomic_folder`); the files of a composed piece are
written into a temporary folder and moved out together, a marker file last (`atomic_files`).

A temporary is named `.<name>.tmp-<pid>` (an old folder being replaced, `.<name>.old-<pid>`) after the
process that writes it, so that what a killed process left behind is told from what a live one is writing:
each write first removes the temporaries of dead processes beside it (`clean_stale`). A folder written from
two machines at once (a shared network disk) is not supported: a PID says nothing about another machine.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tunesmith.errors import ConfigError

_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)")


def alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a process of another user counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:  # not a PID at all
        return False
    return True


def clean_stale(parent) -> list[Path]:
    """Remove the temporaries that killed processes left in `parent`; returns what was removed.

    One case is repaired rather than removed: a kill between the two renames that replace a folder leaves
    no folder, the old one aside and the new one complete under its temporary name; the new one is renamed
    into place."""
    parent = Path(parent)
    if not parent.is_dir():
        return []
    removed = []
    for path in sorted(parent.iterdir()):
        m = _TEMPORARY.fullmatch(path.name)
        if not m or alive(int(m["pid"])) or not path.exists():
            continue
        folder, pid = parent / m["name"], m["pid"]
        new = parent / f".{m['name']}.tmp-{pid}"
        if m["kind"] == "old" and not folder.exists() and new.is_dir():
            new.rename(folder)  # the block had finished: the new folder was complete
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@contextmanager
def atomic_folder(folder) -> Iterator[Path]:
    """Yield an empty temporary sibling of `folder` to fill; when the block ends without error it replaces
    `folder` (the old one is renamed aside first and removed after), otherwise it is removed. Temporaries
    that killed writers left beside it are removed first (`clean_stale`)."""
    folder = Path(folder)
    clean_stale(folder.parent)
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


@contextmanager
def atomic_files(folder, stem: str, last: str) -> Iterator[Path]:
    """Yield an empty temporary folder inside `folder` to write a set of files into; when the block ends
    without error every file in it is moved into `folder`, the file named `last` after all the others,
    otherwise none is. `stem` names the temporary (`.<stem>.tmp-<pid>`).

    What a reader can rely on: when `last` exists, the files written with it are all there. Its previous
    version, if any, is removed before any file moves, so it never stands beside files of another set. A kill
    during the block leaves only the temporary, removed by the next write into `folder` (`clean_stale`)."""
    folder = Path(folder)
    clean_stale(folder)
    tmp = folder / f".{stem}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
        files = sorted(p for p in tmp.iterdir() if p.name != last)
        if (tmp / last).exists():
            (folder / last).unlink(missing_ok=True)
            files.append(tmp / last)
        for path in files:
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_writable(folder) -> Path:
    """`folder` as a Path if files can be written into it (it need not exist yet: then the nearest existing
    folder above it must be writable), else a ConfigError saying why. Creates nothing."""
    folder = Path(folder).expanduser()
    probe = folder
    while not probe.exists():
        if probe.is_symlink():  # a link to nowhere: mkdir would fail on it
            raise ConfigError(f"cannot write into {folder}: {probe} is a broken link")
        probe = probe.parent
    if not probe.is_dir():
        where = "it is a file" if probe == folder else f"{probe} is a file"
        raise ConfigError(f"cannot write into {folder}: {where}, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write into {folder}: {probe} is not writable")
    return folder
