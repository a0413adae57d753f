"""Sentence embeddings computed here, by a model that ships inside a pip package: nothing is
downloaded at run time, so the platform answers on a machine with no internet.

The model is WordLlama's `l2_supercat` (256 dimensions; the `wordllama` package carries its
token-embedding table and its tokenizer). A text's vector is the mean of its tokens' vectors,
normalised: exactly what `WordLlama.embed(..., norm=True)` computes. We read the package's
files ourselves rather than call `WordLlama.load()`, because that looks for the tokenizer in
a folder the wheel does not have and then tries the network, and importing the package
configures the root logger (`logging.basicConfig`) as a side effect."""

import importlib.util
import threading
from functools import cache
from pathlib import Path

import numpy as np

MODEL = "wordllama-l2_supercat-256"
DIMENSIONS = 256
_lock = threading.Lock()


class ModelMissing(RuntimeError):
    pass


def _package_dir() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the wordllama package is not installed (pip install wordllama)")
    return Path(next(iter(spec.submodule_search_locations)))


class Embedder:
    name = MODEL
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        root = _package_dir()
        weights = root / "weights" / "l2_supercat_256.safetensors"
        vocabulary = root / "tokenizers" / "l2_supercat_tokenizer_config.json"
        if not weights.exists() or not vocabulary.exists():
            raise ModelMissing(f"the wordllama package at {root} lacks its l2_supercat files")
        self.tokenizer = Tokenizer.from_file(str(vocabulary))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        with safe_open(str(weights), framework="np") as tensors:
            table = tensors.get_tensor("embedding.weight")
        self.table = np.ascontiguousarray(table.astype(np.float32))

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32) per text; the zero vector for a text with no tokens."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, len(self.table) - 1)
            if not len(ids):
                continue
            vector = self.table[ids].mean(axis=0)
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                out[row] = vector / norm
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@cache
def _load() -> Embedder:
    return Embedder()


def embedder() -> Embedder:
    """The process's one embedder, loaded on first use (about 0.1 s, 33 MB)."""
    with _lock:
        return _load()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
