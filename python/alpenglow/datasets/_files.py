"""Locating interaction files and detecting their compression."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Literal

PathLike = str | os.PathLike[str]

GZIP_MAGIC = b"\x1f\x8b"


def resolve(path: PathLike, default_names: tuple[str, ...] = ()) -> Path:
    """Return the file to read for ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        A file, or a directory that contains one of ``default_names`` (plain or
        with a ``.gz`` suffix).
    default_names : tuple of str, optional
        File names to look for when ``path`` is a directory, in order.

    Returns
    -------
    pathlib.Path
        The file.

    Raises
    ------
    FileNotFoundError
        If the file does not exist; the error names the path.
    IsADirectoryError
        If ``path`` is a directory and no ``default_names`` are given.
    """
    resolved = Path(os.fspath(path)).expanduser()
    if resolved.is_dir() and default_names:
        for name in default_names:
            for candidate in (resolved / name, resolved / f"{name}.gz"):
                if candidate.is_file():
                    return candidate
        wanted = " or ".join(default_names)
        raise FileNotFoundError(
            errno.ENOENT, f"no {wanted} (optionally .gz) in directory", str(resolved)
        )
    if resolved.is_dir():
        raise IsADirectoryError(errno.EISDIR, "expected a file, got a directory", str(resolved))
    if not resolved.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such file", str(resolved))
    return resolved


def compression(path: Path) -> Literal["gzip", "infer"]:
    """Return the pandas ``compression`` argument for ``path``.

    Parameters
    ----------
    path : pathlib.Path
        An existing file.

    Returns
    -------
    {"gzip", "infer"}
        ``"gzip"`` for a ``.gz`` suffix or gzip magic bytes, else ``"infer"``
        (which lets pandas handle ``.bz2``, ``.xz``, ``.zip`` and ``.zst``).
    """
    if path.suffix.lower() == ".gz":
        return "gzip"
    with path.open("rb") as handle:
        return "gzip" if handle.read(2) == GZIP_MAGIC else "infer"
