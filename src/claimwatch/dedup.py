"""Article-level duplicate detection: exact hashes and MinHash/LSH near-duplicates.

A syndicated copy keeps most of the original's word 4-grams even with a new byline, a
dropped paragraph or an added one. We estimate, from MinHash signatures, the share of the
NEW article's shingles that a known article holds (containment), which stays high when a
copy is shortened, unlike plain Jaccard.
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from dataclasses import dataclass, field

from claimwatch.models import DuplicateMatch, Fingerprint
from claimwatch.text import clean, words

SHINGLE = 4
PERMUTATIONS = 64
BANDS = 32  # 32 bands x 2 rows: pairs with Jaccard >= 0.3 nearly always become candidates
_ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
_MAX = (1 << 64) - 1


def _params() -> list[tuple[int, int]]:
    # Fixed, derived parameters: signatures stay comparable across versions and machines.
    out = []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"claimwatch-minhash-{i}".encode(), digest_size=16).digest()
        a, b = struct.unpack("<QQ", digest)
        out.append((a % (_PRIME - 1) + 1, b % _PRIME))
    return out


_PARAMS = _params()


def _shingles(text: str) -> set[int]:
    toks = words(clean(text))
    if len(toks) < SHINGLE:
        toks = toks + [""] * (SHINGLE - len(toks))
    out = set()
    for i in range(len(toks) - SHINGLE + 1):
        h = hashlib.blake2b(" ".join(toks[i : i + SHINGLE]).encode(), digest_size=8).digest()
        out.add(int.from_bytes(h, "little"))
    return out


def fingerprint(text: str) -> Fingerprint:
    normal = " ".join(words(clean(text)))
    content_hash = hashlib.sha256(normal.encode()).hexdigest()
    shingles = _shingles(text)
    signature = tuple(
        min(((a * s + b) % _PRIME) for s in shingles) for a, b in _PARAMS
    )
    return Fingerprint(content_hash, signature, len(shingles))


def _jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def containment(new: Fingerprint, known: Fingerprint) -> float:
    """Estimated share of `new`'s shingles that `known` also has."""
    j = _jaccard(new.signature, known.signature)
    if j <= 0 or new.shingles == 0:
        return 0.0
    # |A∩B| = J(|A|+|B|)/(1+J)
    inter = j * (new.shingles + known.shingles) / (1 + j)
    return min(1.0, inter / new.shingles)


@dataclass
class DuplicateIndex:
    """Known articles' fingerprints, bucketed by LSH band for candidate lookup."""

    _by_hash: dict[str, tuple[int, str]] = field(default_factory=dict)
    _fps: dict[int, tuple[str, Fingerprint]] = field(default_factory=dict)
    _bands: dict[tuple[int, tuple[int, ...]], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def __len__(self) -> int:
        return len(self._fps)

    def add(self, article_id: int, url: str, fp: Fingerprint) -> None:
        if article_id in self._fps:
            return
        self._fps[article_id] = (url, fp)
        self._by_hash.setdefault(fp.content_hash, (article_id, url))
        for band in range(BANDS):
            self._bands[(band, fp.signature[band * _ROWS : (band + 1) * _ROWS])].append(article_id)

    def best_match(self, fp: Fingerprint, threshold: float) -> DuplicateMatch | None:
        exact = self._by_hash.get(fp.content_hash)
        if exact is not None:
            return DuplicateMatch(exact[0], exact[1], 1.0)
        candidates: set[int] = set()
        for band in range(BANDS):
            candidates.update(
                self._bands.get((band, fp.signature[band * _ROWS : (band + 1) * _ROWS]), ())
            )
        best: DuplicateMatch | None = None
        for article_id in candidates:
            url, known = self._fps[article_id]
            score = containment(fp, known)
            if score >= threshold and (best is None or score > best.containment):
                best = DuplicateMatch(article_id, url, round(score, 3))
        return best
