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
from array import array
from collections.abc import Callable, Iterable

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
    return _estimate(_jaccard(new.signature, known.signature), new.shingles, known.shingles)


def _estimate(j: float, new_shingles: int, known_shingles: int) -> float:
    if j <= 0 or new_shingles == 0:
        return 0.0
    # |A∩B| = J(|A|+|B|)/(1+J)
    inter = j * (new_shingles + known_shingles) / (1 + j)
    return min(1.0, inter / new_shingles)


def containment(new: Hashes, known: Hashes) -> float:
    """Exact share of the shingles `new` has that `known` also has (both sorted, distinct)."""
    if not len(new):
        return 0.0
    return float(np.isin(new, known, assume_unique=True).sum()) / len(new)


def _band_keys(signatures: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """One 32-bit key per LSH band of each signature (rows): the band's number and its
    slots, hashed. (n, PERMUTATIONS) -> (n, BANDS)."""
    sig = signatures.reshape(len(signatures), BANDS, _ROWS)
    key = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
                          sig.shape[:2])
    for r in range(_ROWS):
        key = (key ^ sig[:, :, r]) * np.uint64(0xBF58476D1CE4E5B9)  # wraps: a hash, not a sum
    return (key >> np.uint64(32)).astype(np.uint32)


class _Postings:
    """uint32 key -> rows, append-only, in sorted numpy segments (8 bytes an entry).

    New entries wait in a small buffer; a full buffer becomes a sorted segment, and
    segments of like size merge (as a binary counter does), up to a cap that bounds the
    memory a merge needs. A lookup is a binary search per segment.
    """

    BUFFER = 4096
    MAX_SEGMENT = 1 << 20

    def __init__(self) -> None:
        self._segments: list[tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]] = []
        self._keys = array("I")
        self._rows = array("I")

    def add(self, keys: npt.NDArray[np.uint32], rows: npt.NDArray[np.uint32]) -> None:
        """Store each keys[i] under rows[i]."""
        self._keys.frombytes(keys.astype(np.uint32).tobytes())
        self._rows.frombytes(rows.astype(np.uint32).tobytes())
        if len(self._keys) >= self.BUFFER:
            self._flush()

    def lookup(self, keys: npt.NDArray[np.uint32]) -> list[int]:
        """Every row stored under each of `keys` (a row once per matching key)."""
        out: list[int] = []
        if len(self._keys):
            buf_k = np.frombuffer(self._keys, dtype=np.uint32)
            hit = np.isin(buf_k, keys)
            if hit.any():
                out.extend(np.frombuffer(self._rows, dtype=np.uint32)[hit].tolist())
        for seg_k, seg_r in self._segments:
            lo = np.searchsorted(seg_k, keys, "left")
            hi = np.searchsorted(seg_k, keys, "right")
            for a, b in zip(lo[hi > lo].tolist(), hi[hi > lo].tolist(), strict=True):
                out.extend(seg_r[a:b].tolist())
        return out

    def _flush(self) -> None:
        keys = np.frombuffer(self._keys, dtype=np.uint32).copy()
        rows = np.frombuffer(self._rows, dtype=np.uint32).copy()
        self._keys, self._rows = array("I"), array("I")
        order = np.argsort(keys, kind="stable")
        self._segments.append((keys[order], rows[order]))
        while len(self._segments) >= 2:
            (k2, r2), (k1, r1) = self._segments[-1], self._segments[-2]
            if len(k2) < len(k1) or len(k1) + len(k2) > self.MAX_SEGMENT:
                break
            keys, rows = np.concatenate([k1, k2]), np.concatenate([r1, r2])
            order = np.argsort(keys, kind="stable")
            self._segments[-2:] = [(keys[order], rows[order])]


class DuplicateIndex:
    """Known articles, for finding copies: content hashes, LSH bands and signatures.

    `article_of(article_id)` reads a known article's URL and text (the daemon's database).
    With it, the index holds about 400 bytes an article: its id, a content-hash key, 32
    band keys and a signature of 16-bit slots (enough to rank candidates; the decision is
    taken on the exact overlap, from the text). Without it, the index also keeps every
    article's URL and shingle hashes in memory, which suits the small corpora of `eval`,
    `check` and tests.
    """

    def __init__(
        self, article_of: Callable[[int], tuple[str, str] | None] | None = None
    ) -> None:
        self.article_of = article_of
        self._ids = array("q")
        self._shingles = array("I")
        self._sigs = array("H")  # PERMUTATIONS slots a row, the low 16 bits of each
        self._hashes: dict[int, int] = {}  # content-hash key -> first row with it
        self._bands = _Postings()
        self._rows: dict[int, int] = {}  # article id -> row
        self._kept: dict[int, tuple[str, Hashes | None]] = {}  # row -> url, shingles

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, article_id: int, url: str, fp: Fingerprint) -> None:
        self.add_many([(article_id, url, fp)])

    def add_many(self, articles: Iterable[tuple[int, str, Fingerprint]]) -> None:
        """Add known articles, in batches (loading a large corpus at start-up)."""
        batch: list[tuple[int, str, Fingerprint]] = []
        for article_id, url, fp in articles:
            if article_id in self._rows or len(fp.signature) != PERMUTATIONS:
                continue
            self._rows[article_id] = -1  # taken (a repeat within the batch)
            batch.append((article_id, url, fp))
            if len(batch) >= 2048:
                self._add_batch(batch)
                batch = []
        if batch:
            self._add_batch(batch)

    def _add_batch(self, batch: list[tuple[int, str, Fingerprint]]) -> None:
        first = len(self._ids)
        sigs = np.array([fp.signature for _, _, fp in batch], dtype=np.uint64)
        for i, (article_id, url, fp) in enumerate(batch):
            row = first + i
            self._rows[article_id] = row
            self._ids.append(article_id)
            self._shingles.append(min(fp.shingles, 0xFFFFFFFF))
            self._hashes.setdefault(_hash_key(fp.content_hash), row)
            if self.article_of is None:
                self._kept[row] = (url, fp.hashes)
        self._sigs.frombytes((sigs & np.uint64(0xFFFF)).astype(np.uint16).tobytes())
        keys = _band_keys(sigs)
        rows = np.repeat(np.arange(first, first + len(batch), dtype=np.uint32), BANDS)
        self._bands.add(keys.ravel(), rows)

    def best_match(self, fp: Fingerprint, threshold: float) -> DuplicateMatch | None:
        exact = self._hashes.get(_hash_key(fp.content_hash))
        if exact is not None:
            url = self._url(exact)
            if url is not None:
                return DuplicateMatch(self._ids[exact], url, 1.0)
        if len(fp.signature) != PERMUTATIONS:
            return None
        mine64 = np.array([fp.signature], dtype=np.uint64)
        rows = set(self._bands.lookup(_band_keys(mine64)[0]))
        if not rows:
            return None
        mine = (mine64[0] & np.uint64(0xFFFF)).astype(np.uint16)
        sigs = np.frombuffer(self._sigs, dtype=np.uint16).reshape(-1, PERMUTATIONS)
        estimates = sorted(
            ((_estimate(float((sigs[r] == mine).mean()), fp.shingles, self._shingles[r]), r)
             for r in rows),
            reverse=True,
        )
        best: DuplicateMatch | None = None
        for estimate, row in estimates[:MAX_VERIFIED]:
            if estimate < threshold * _ESTIMATE_FLOOR:
                break
            known = self._known(row)
            if known is None:
                continue
            url, known_hashes = known
            if fp.hashes is None or known_hashes is None:
                score = estimate  # no shingles to compare: the estimate is all there is
            else:
                score = containment(fp.hashes, known_hashes)
            if score >= threshold and (best is None or score > best.containment):
                best = DuplicateMatch(self._ids[row], url, round(score, 3))
        return best

    def _url(self, row: int) -> str | None:
        if self.article_of is None:
            return self._kept[row][0]
        found = self.article_of(self._ids[row])
        return None if found is None else found[0]

    def _known(self, row: int) -> tuple[str, Hashes | None] | None:
        if self.article_of is None:
            return self._kept[row]
        found = self.article_of(self._ids[row])
        if found is None:
            return None
        return found[0], shingle_hashes(found[1])


def _hash_key(content_hash: str) -> int:
    return int(content_hash[:16], 16) if content_hash else 0
