"""Article-level duplicate detection: exact hashes, MinHash/LSH candidates, exact overlap.

A syndicated copy keeps most of the original's word 4-grams even with a new headline, a
new byline, a dropped paragraph or an added one; an excerpt keeps a run of them. What
decides is containment: the share of the NEW article's shingles that a known article
holds, which stays high when a copy is shortened, unlike plain Jaccard.

MinHash signatures (64 slots) and LSH bands only find candidates: a containment estimated
from them is biased low when the known article is much longer than the new one (an exact
excerpt of a four-times longer article scored 0.69). The decision is taken on the exact
overlap of the shingle sets, for the few best candidates.

Signatures are stored in the database, so the hash functions are fixed: blake2b of each
shingle, then (a*h + b) mod (2^61 - 1) with parameters derived from fixed strings. The
arithmetic is vectorised with numpy (exact 64-bit modular arithmetic, no floats).
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from claimwatch.models import DuplicateMatch, Fingerprint
from claimwatch.text import clean, words

SHINGLE = 4
PERMUTATIONS = 64
BANDS = 32  # 32 bands x 2 rows: pairs with Jaccard >= 0.3 nearly always become candidates
_ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
# Candidates whose estimated containment is below this share of the threshold are not
# checked exactly (the estimate errs low, by 0.1 to 0.2, not by half).
_ESTIMATE_FLOOR = 0.5
MAX_VERIFIED = 5  # exact checks per article: the best candidates by estimate
Hashes = npt.NDArray[np.uint64]
_P = np.uint64(_PRIME)
_LOW32 = np.uint64(0xFFFFFFFF)
_LOW29 = np.uint64((1 << 29) - 1)
_S3, _S29, _S32, _S61 = np.uint64(3), np.uint64(29), np.uint64(32), np.uint64(61)


def _params() -> list[tuple[int, int]]:
    # Fixed, derived parameters: signatures stay comparable across versions and machines.
    out = []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"claimwatch-minhash-{i}".encode(), digest_size=16).digest()
        a, b = struct.unpack("<QQ", digest)
        out.append((a % (_PRIME - 1) + 1, b % _PRIME))
    return out


_PARAMS = _params()
_A = np.array([a for a, _ in _PARAMS], dtype=np.uint64)[:, None]
_A_HI, _A_LO = _A >> _S32, _A & _LOW32
_B = np.array([b for _, b in _PARAMS], dtype=np.uint64)[:, None]


def _fold(x: Hashes) -> Hashes:
    """x mod p, for x < 2^64 (2^61 = 1 mod p): one fold and one subtraction."""
    x = (x & _P) + (x >> _S61)
    return np.where(x >= _P, x - _P, x)


def _fold_inplace(x: Hashes, tmp: Hashes) -> None:
    """_fold(x) into x, using tmp as scratch (no temporaries: this is the hot loop)."""
    np.right_shift(x, _S61, out=tmp)
    np.bitwise_and(x, _P, out=x)
    x += tmp
    np.greater_equal(x, _P, out=tmp, casting="unsafe")
    tmp *= _P
    x -= tmp


def _minhash(hashes: Hashes) -> tuple[int, ...]:
    """min over shingles of (a*h + b) mod p for each (a, b): exact, in 64-bit pieces."""
    h = _fold(hashes)[None, :]  # < p < 2^61
    h_hi, h_lo = h >> _S32, h & _LOW32  # < 2^29, < 2^32
    # a*h = a_hi*h_hi*2^64 + (a_hi*h_lo + a_lo*h_hi)*2^32 + a_lo*h_lo, with 2^64 = 8 mod p
    acc = np.multiply(_A_HI, h_hi)
    acc <<= _S3  # < 2^61
    mid = np.multiply(_A_HI, h_lo)
    tmp = np.multiply(_A_LO, h_hi)
    mid += tmp  # < 2^62
    # mid*2^32 = (mid >> 29)*2^61 + (mid mod 2^29)*2^32 = (mid >> 29) + (mid mod 2^29)*2^32
    np.right_shift(mid, _S29, out=tmp)
    acc += tmp
    mid &= _LOW29
    mid <<= _S32
    acc += mid  # < 2^63
    _fold_inplace(acc, tmp)
    low = np.multiply(_A_LO, h_lo, out=mid)  # the product is < 2^64: exact
    _fold_inplace(low, tmp)
    acc += low
    acc += _B  # < 3p
    _fold_inplace(acc, tmp)
    return tuple(int(v) for v in acc.min(axis=1))


def shingle_hashes(text: str) -> Hashes:
    """The sorted, distinct hashes of the text's word 4-grams."""
    return _hashes_of(words(clean(text)))


def _hashes_of(toks: list[str]) -> Hashes:
    if len(toks) < SHINGLE:
        toks = toks + [""] * (SHINGLE - len(toks))
    grams = [" ".join(toks[i : i + SHINGLE]).encode() for i in range(len(toks) - SHINGLE + 1)]
    digests = b"".join(hashlib.blake2b(g, digest_size=8).digest() for g in grams)
    return np.unique(np.frombuffer(digests, dtype="<u8").astype(np.uint64))


def fingerprint(text: str) -> Fingerprint:
    toks = words(clean(text))
    content_hash = hashlib.sha256(" ".join(toks).encode()).hexdigest()
    hashes = _hashes_of(toks)
    return Fingerprint(content_hash, _minhash(hashes), len(hashes), hashes)


def _jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def estimated_containment(new: Fingerprint, known: Fingerprint) -> float:
    """Share of `new`'s shingles that `known` also has, estimated from the signatures."""
    j = _jaccard(new.signature, known.signature)
    if j <= 0 or new.shingles == 0:
        return 0.0
    # |A∩B| = J(|A|+|B|)/(1+J)
    inter = j * (new.shingles + known.shingles) / (1 + j)
    return min(1.0, inter / new.shingles)


def containment(new: Hashes, known: Hashes) -> float:
    """Exact share of the shingles `new` has that `known` also has (both sorted, distinct)."""
    if not len(new):
        return 0.0
    return float(np.isin(new, known, assume_unique=True).sum()) / len(new)


@dataclass
class DuplicateIndex:
    """Known articles' fingerprints, bucketed by LSH band for candidate lookup.

    `text_of(article_id)` reads a known article's text (the daemon's database). Without it
    the index keeps every known article's shingle hashes in memory, which suits the small
    corpora of `eval`, `check` and tests; with it the index holds only signatures.
    """

    text_of: Callable[[int], str | None] | None = None
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
        if self.text_of is not None and fp.hashes is not None:
            fp = Fingerprint(fp.content_hash, fp.signature, fp.shingles)
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
        estimates = sorted(
            ((estimated_containment(fp, self._fps[a][1]), a) for a in candidates), reverse=True
        )
        new = fp.hashes if fp.hashes is not None else None
        best: DuplicateMatch | None = None
        for estimate, article_id in estimates[:MAX_VERIFIED]:
            if estimate < threshold * _ESTIMATE_FLOOR:
                break
            url, known = self._fps[article_id]
            known_hashes = self._hashes(article_id, known)
            if new is None or known_hashes is None:
                score = estimate  # no shingles to compare: the estimate is all there is
            else:
                score = containment(new, known_hashes)
            if score >= threshold and (best is None or score > best.containment):
                best = DuplicateMatch(article_id, url, round(score, 3))
        return best

    def _hashes(self, article_id: int, known: Fingerprint) -> Hashes | None:
        if known.hashes is not None:
            return known.hashes
        if self.text_of is None:
            return None
        text = self.text_of(article_id)
        return None if text is None else shingle_hashes(text)
