"""Static Japanese word vectors from the installed ``ja-ginza`` package, read with numpy only.

ja-ginza 5.3.0 ships a spaCy vocabulary: ``vocab/vectors`` (a ``.npy`` float32 table, 20,000 rows of
300 dimensions), ``vocab/key2row`` (msgpack: 64-bit string hash -> row; about 480,000 words map onto
the 20,000 rows) and ``vocab/strings.json``. A word's key is spaCy's string hash, MurmurHash64A of the
UTF-8 bytes with seed 1, implemented below, so neither spaCy nor GiNZA is imported (the package is
installed with ``--no-deps``: its pins would pull spaCy and an older SudachiPy). Nothing is downloaded:
the files come from the installed wheel, located through ``importlib.metadata``.

The table is loaded lazily, once per process (module-level cache), never at import of
``marketplace.matching``.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

PACKAGE = "ja-ginza"
_VOCAB_DIR = "ja_ginza/ja_ginza-{version}/vocab"
_M = 0xC6A4A7935BD1E995
_MASK = 0xFFFFFFFFFFFFFFFF
_LOCK = threading.Lock()


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A (Austin Appleby), little-endian, as spaCy's ``hash_string`` uses (seed 1)."""
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    full = n - n % 8
    for i in range(0, full, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * _M) & _MASK
        k ^= k >> 47
        h = ((h ^ ((k * _M) & _MASK)) * _M) & _MASK
    if n % 8:
        h = ((h ^ int.from_bytes(data[full:], "little")) * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


@dataclass(frozen=True)
class WordVectors:
    """The vectors table (rows L2-normalised, float32) and the word-hash -> row map."""

    table: np.ndarray
    key2row: dict[int, int]
    source: str

    @property
    def dim(self) -> int:
        return int(self.table.shape[1])

    def row(self, word: str) -> int:
        """Row of a word, -1 when the vocabulary has none."""
        return _row(self, word)


@lru_cache(maxsize=524_288)
def _row_cached(vectors_id: int, word: str) -> int:
    vectors = _LOADED[vectors_id]
    return vectors.key2row.get(murmurhash64a(word.encode("utf-8")), -1)


_LOADED: dict[int, WordVectors] = {}


def _row(vectors: WordVectors, word: str) -> int:
    return _row_cached(id(vectors), word)


def vocab_dir() -> Path | None:
    """Folder of the installed package's vocabulary, or None when ja-ginza is not installed."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    folder = Path(str(dist.locate_file(_VOCAB_DIR.format(version=dist.version))))
    return folder if (folder / "vectors").is_file() and (folder / "key2row").is_file() else None


def available() -> bool:
    """Whether the vectors package is installed (no loading)."""
    return vocab_dir() is not None


def load() -> WordVectors:
    """The process-wide vectors (loaded on first call; about 0.3 s and 50 MB)."""
    if _LOADED:  # loaded: no lock needed (the dict is only ever filled once, under the lock)
        return next(iter(_LOADED.values()))
    with _LOCK:
        if _LOADED:
            return next(iter(_LOADED.values()))
        folder = vocab_dir()
        if folder is None:
            raise RuntimeError(f"the word vectors need the {PACKAGE!r} package (make setup installs it)")
        import msgpack

        table = np.load(folder / "vectors", allow_pickle=False).astype(np.float32)
        norms = np.linalg.norm(table, axis=1, keepdims=True)
        table /= np.where(norms > 0, norms, 1.0)
        with open(folder / "key2row", "rb") as handle:
            key2row = msgpack.unpackb(handle.read(), strict_map_key=False)
        vectors = WordVectors(table, {int(k): int(v) for k, v in key2row.items()}, str(folder))
        _LOADED[id(vectors)] = vectors
        return vectors
