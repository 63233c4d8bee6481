"""Read the factors of a saved ``FactorModel`` or ``EigenFactorModel`` into DataFrames.

File layout (every number little-endian), as written by ``model.write(file_name)``:

* header: the 8 bytes ``ALPNGLW\\0``; u32 length and the model kind (``FactorModel`` or
  ``EigenFactorModel``); u32 format version (1); u32 dimension;
* ``FactorModel``: the user block, then the item block, each an i32 count followed by count x
  (u32 entity id, dimension x f64); the user biases and the item biases (u32 count, then the
  f64 values of ids 0..count); u64 state of the user and of the item initialisation generator;
* ``EigenFactorModel``: i64 seed, f64 begin_min, f64 begin_max; then for the user and the item
  matrix: u32 rows, rows x dimension f64 (row-major), rows bytes ``seen`` (0/1), u64 generator
  state;
* trailer: the 8 bytes ``ALPCRC32`` and the u32 CRC-32 of everything before it.

The ids are the model's own: when the experiment ran with ``recode=True`` (the default for
DataFrames) they are the dense codes of users and items in order of first appearance, not the
input's ids.
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np
import pandas as pd

from ..errors import DataError, ParameterError

MAGIC = b"ALPNGLW\0"
TAG = b"ALPCRC32"


class _Reader:
    def __init__(self, path: str | os.PathLike, kind: str) -> None:
        self.name = os.fspath(path)
        self.kind = kind
        with open(path, "rb") as f:
            raw = f.read()
        if len(raw) < 12 or raw[-12:-4] != TAG:
            raise DataError(f"{self.name}: damaged or not an alpenglow model file (no checksum at its end)")
        body = raw[:-12]
        if struct.unpack("<I", raw[-4:])[0] != zlib.crc32(body):
            raise DataError(f"{self.name}: damaged alpenglow model file (checksum mismatch)")
        self.buf = memoryview(body)
        self.pos = 0

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.buf):
            raise DataError(f"{self.name}: truncated {self.kind} file (while reading {what})")
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> int | float:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]

    def header(self) -> int:
        if bytes(self.buf[:8]) != MAGIC:
            raise DataError(f"{self.name}: not an alpenglow model file (expected a saved {self.kind})")
        self.pos = 8
        length = int(self.unpack("<I", "the header"))
        found = bytes(self.take(length, "the header")).decode("utf-8", "replace")
        if found != self.kind:
            raise DataError(f"{self.name}: the file holds a saved {found}, not a {self.kind}")
        version = self.unpack("<I", "the header")
        if version != 1:
            raise DataError(f"{self.name}: {self.kind} file format version {version} is not supported (this reads 1)")
        return int(self.unpack("<I", "the header"))


def _frame(ids: np.ndarray, values: np.ndarray, name: str, dimension: int) -> pd.DataFrame:
    frame = pd.DataFrame(values.reshape(len(ids), dimension), index=pd.Index(ids, name=name),
                         columns=list(range(1, dimension + 1)))
    return frame


def readFactorModel(file: str | os.PathLike, dimensions: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The user and item factors of a file saved by ``FactorModel.write``.

    Parameters
    ----------
    file : str or path
        The saved model.
    dimensions : int, optional
        The model's dimension; checked against the file (which records it).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        User and item factors, indexed by ``user`` / ``item`` (the ids that have a vector, in
        the file's order), with columns ``1..dimension``.

    Raises
    ------
    alpenglow.errors.DataError
        Not a saved FactorModel, damaged or truncated, or of another dimension.
    """
    if dimensions is not None and (isinstance(dimensions, bool) or not isinstance(dimensions, (int, np.integer))):
        raise ParameterError(f"readFactorModel: dimensions must be an integer, got {dimensions!r}")
    r = _Reader(file, "FactorModel")
    dim = r.header()
    if dimensions is not None and int(dimensions) != dim:
        raise DataError(f"{r.name}: the saved FactorModel has dimension {dim}, not {dimensions}")
    blocks = []
    for name in ("user", "item"):
        count = int(r.unpack("<i", f"the {name} count"))
        if count < 0:
            raise DataError(f"{r.name}: negative {name} vector count {count}")
        dtype = np.dtype([("id", "<u4"), ("v", "<f8", (dim,))])
        rec = np.frombuffer(r.take(count * dtype.itemsize, f"the {name} factors"), dtype=dtype)
        blocks.append(_frame(rec["id"].astype(np.int64), rec["v"].astype(np.float64), name, dim))
    return blocks[0], blocks[1]


def readEigenFactorModel(file: str | os.PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The user and item factors of a file saved by ``EigenFactorModel.write``.

    The dimension is read from the file. Every stored row is returned, including ids that were
    never seen (their initial random factors).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Indexed by ``user`` / ``item`` (0..rows-1), columns ``1..dimension``.
    """
    r = _Reader(file, "EigenFactorModel")
    dim = r.header()
    r.take(24, "the parameters")
    blocks = []
    for name in ("user", "item"):
        rows = int(r.unpack("<I", f"the {name} rows"))
        values = np.frombuffer(r.take(rows * dim * 8, f"the {name} factors"), dtype="<f8").astype(np.float64)
        r.take(rows, f"the {name} seen flags")
        r.take(8, f"the {name} generator state")
        blocks.append(_frame(np.arange(rows, dtype=np.int64), values, name, dim))
    return blocks[0], blocks[1]

