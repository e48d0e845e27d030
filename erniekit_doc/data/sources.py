"""Reading data files without loading them whole, mixing sources, and the bad-sample policy.

* ``iter_file(path)`` streams ``(line, object | Problem)`` from a JSONL file or a JSON
  array file (ERNIEKit's demo files are pretty-printed arrays) in constant memory.
* ``DataSource`` adds random access for shuffling: a byte-offset index of the JSONL lines
  (8 bytes a record); a JSON array is spooled once to a compact JSONL temp file.
* ``MixedSource`` draws records from several sources by ``train_dataset_prob``,
  reproducibly from a seed, with a resumable position.
* ``BadSampleGuard`` applies ``on_bad_sample`` / ``max_bad_sample_ratio``.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from array import array
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from erniekit_doc.data.records import (DECODER, DuplicateKey, Problem, Record, RecordError, RecordOptions,
                                       decode_line, validate_record)
from erniekit_doc.errors import UserError

Item = Tuple[int, Union[Any, Problem]]  # (line, parsed object or the problem that stopped parsing)

_UTF16_BOMS = {b"\xff\xfe": "UTF-16 little-endian", b"\xfe\xff": "UTF-16 big-endian"}
_UTF8_BOM = b"\xef\xbb\xbf"


def _file_problem(path: str) -> Optional[Problem]:
    if not os.path.exists(path):
        return Problem(path, None, None, "data file not found")
    if os.path.isdir(path):
        return Problem(path, None, None, "is a directory; give the JSONL file inside it")
    with open(path, "rb") as f:
        head = f.read(4)
    for bom, name in _UTF16_BOMS.items():
        if head.startswith(bom) and not head.startswith(_UTF8_BOM):
            return Problem(path, None, None, f"file is {name} encoded; save it as UTF-8")
    return None


def is_json_array_file(path: str) -> bool:
    """Is this a JSON array of records (rather than JSONL)?

    ERNIEKit's own demo files are pretty-printed arrays even when named ``.jsonl``, so the
    content decides: the file starts with '[' and its first line is either incomplete JSON
    (a pretty-printed array) or a complete list of objects (a one-line array). A first line
    that is a complete list of non-objects is a JSONL record that is not an object.
    """
    with open(path, "rb") as f:
        for raw in f:
            stripped = raw.strip().removeprefix(_UTF8_BOM).strip()
            if not stripped:
                continue
            if not stripped.startswith(b"["):
                return False
            try:
                first = json.loads(stripped)
            except ValueError:
                return True
            return isinstance(first, list) and all(isinstance(x, dict) for x in first)
    return False


def iter_jsonl_lines(path: str) -> Iterator[Tuple[int, int, bytes]]:
    """(line number, byte offset, raw line without newline) for each line, streaming."""
    with open(path, "rb") as f:
        offset = 0
        for lineno, raw in enumerate(f, start=1):
            yield lineno, offset, raw.rstrip(b"\r\n")
            offset += len(raw)


def _iter_jsonl(path: str) -> Iterator[Item]:
    for lineno, _, raw in iter_jsonl_lines(path):
        if raw.startswith(_UTF8_BOM):
            raw = raw[3:]
            if lineno > 1:
                yield lineno, Problem(path, lineno, None, "UTF-8 byte-order mark in the middle of the file ignored (were files concatenated?)", warning=True)
        if not raw.strip():
            yield lineno, Problem(path, lineno, None, "blank line ignored", warning=True)
            continue
        obj, problem = decode_line(raw, path, lineno)
        yield lineno, (problem if problem else obj)


def _iter_json_array(path: str, chunk_chars: int = 1 << 20) -> Iterator[Item]:
    """Stream the elements of a top-level JSON array with the line each starts on."""
    try:
        f = open(path, "r", encoding="utf-8-sig")
        buf = f.read(chunk_chars)
    except UnicodeDecodeError as e:
        yield 1, Problem(path, None, None, f"not valid UTF-8 (byte 0x{e.object[e.start]:02x}); re-encode the file as UTF-8")
        return
    with f:
        pos, line, eof = 0, 1, False

        def more() -> bool:
            nonlocal buf, pos, line, eof
            if eof:
                return False
            try:
                chunk = f.read(max(chunk_chars, len(buf)))
            except UnicodeDecodeError as e:
                raise UserError(f"{path}: not valid UTF-8 (byte 0x{e.object[e.start]:02x}); re-encode the file as UTF-8") from None
            if not chunk:
                eof = True
                return False
            line += buf.count("\n", 0, pos)
            buf, pos = buf[pos:] + chunk, 0
            return True

        def skip_ws() -> Optional[str]:
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buf):
                    return buf[pos]
                if not more():
                    return None

        def line_at(p: int) -> int:
            return line + buf.count("\n", 0, p)

        if skip_ws() != "[":
            yield 1, Problem(path, 1, None, "invalid JSON: expected a JSON array of records starting with '['")
            return
        pos += 1
        first = True
        while True:
            c = skip_ws()
            if c is None:
                yield line_at(pos), Problem(path, line_at(pos), None, "invalid JSON: the array is not closed with ']' (file truncated?)")
                return
            if c == "]":
                return
            if not first:
                if c != ",":
                    yield line_at(pos), Problem(path, line_at(pos), None, f"invalid JSON: expected ',' or ']' between records, got {c!r}; the rest of the file is not read")
                    return
                pos += 1
                if skip_ws() is None:
                    continue
            first = False
            start_line = line_at(pos)
            while True:
                try:
                    obj, end = DECODER.raw_decode(buf, pos)
                    break
                except DuplicateKey as e:
                    yield start_line, Problem(path, start_line, e.key, "duplicate key; a JSON reader keeps only the last value, so the other would be silently lost; the rest of the file is not read")
                    return
                except json.JSONDecodeError as e:
                    if more():
                        continue
                    yield line_at(e.pos), Problem(path, line_at(e.pos), None, f"invalid JSON: {e.msg}; the rest of the file is not read")
                    return
            # an element that ends exactly at the buffer end may be a truncated number: re-read to be sure
            if end == len(buf) and not eof and more():
                continue
            pos = end
            yield start_line, obj


def iter_file(path: str) -> Iterator[Item]:
    """Stream (line, object | Problem) from a JSONL or JSON-array data file."""
    problem = _file_problem(path)
    if problem:
        yield 0, problem
        return
    yield from (_iter_json_array(path) if is_json_array_file(path) else _iter_jsonl(path))


class DataSource:
    """Random access to the records of one data file through a byte-offset index.

    Only offsets (and line numbers) are kept in memory; records are read and validated
    when asked for. A JSON array file is spooled once to a compact JSONL temp file.
    """

    def __init__(self, path: str, opts: Optional[RecordOptions] = None):
        self.path = path
        self.opts = opts or RecordOptions()
        self._offsets: Optional[array] = None
        self._lines = array("q")
        self._index_problems: List[Problem] = []
        self._spool: Optional[str] = None
        self._image_cache: Dict[str, Any] = {}
        self._fh = None
        self._fh_pid = None  # reopen after fork (data-loader workers must not share a file position)

    def _build_index(self) -> None:
        problem = _file_problem(self.path)
        if problem:
            raise RecordError([problem])
        self._offsets = array("q")
        if is_json_array_file(self.path):
            fd, self._spool = tempfile.mkstemp(prefix="erniekit-doc-", suffix=".jsonl")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                for line, obj in _iter_json_array(self.path):
                    if isinstance(obj, Problem):
                        self._index_problems.append(obj)
                        continue
                    self._offsets.append(out.tell())
                    self._lines.append(line)
                    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            for lineno, offset, raw in iter_jsonl_lines(self.path):
                if raw.strip(b" \t\r\n\xef\xbb\xbf"):
                    self._offsets.append(offset)
                    self._lines.append(lineno)

    def __del__(self):
        if getattr(self, "_fh", None) is not None:
            self._fh.close()
        if getattr(self, "_spool", None) and os.path.exists(self._spool):
            os.unlink(self._spool)

    def _handle(self):
        if self._fh is None or self._fh_pid != os.getpid():
            self._fh = open(self._spool or self.path, "rb")
            self._fh_pid = os.getpid()
        return self._fh

    def __len__(self) -> int:
        if self._offsets is None:
            self._build_index()
        return len(self._offsets)

    @property
    def index_problems(self) -> List[Problem]:
        """Problems found while indexing (a JSON array file that could not be read to its end)."""
        len(self)
        return list(self._index_problems)

    def line_of(self, i: int) -> int:
        len(self)
        return self._lines[i]

    def read(self, i: int) -> Tuple[Optional[Record], List[Problem]]:
        """Record i -> (Record, []) or (None, problems)."""
        len(self)
        line = self._lines[i]
        f = self._handle()
        f.seek(self._offsets[i])
        raw = f.readline().rstrip(b"\r\n")
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        obj, problem = decode_line(raw, self.path, line)
        if problem:
            return None, [problem]
        return validate_record(obj, self.path, line, self.opts, self._image_cache)


class MixedSource:
    """An endless, reproducible stream of (source index, record index) drawn by probability.

    Each source is read in its own shuffled order, reshuffled at every pass. The state
    (``state_dict``) is small and restores the exact position for resume.
    """

    def __init__(self, sizes: Sequence[int], probs: Sequence[float], seed: int, shuffle: bool = True):
        if not sizes:
            raise UserError("no training data: train_dataset_path is empty")
        total = float(sum(probs)) if probs else float(len(sizes))
        self.probs = [p / total for p in probs] if probs else [1.0 / len(sizes)] * len(sizes)
        self.sizes = list(sizes)
        self.seed = seed
        self.shuffle = shuffle
        self.draws = 0
        self.positions = [0] * len(sizes)
        self.passes = [0] * len(sizes)

    def _order(self, s: int) -> List[int]:
        order = list(range(self.sizes[s]))
        if self.shuffle:
            random.Random(f"{self.seed}/{s}/{self.passes[s]}").shuffle(order)
        return order

    def __iter__(self) -> Iterator[Tuple[int, int]]:
        orders = [self._order(s) for s in range(len(self.sizes))]
        while True:
            if len(self.sizes) == 1:
                s = 0
            else:
                # one independent uniform number per draw, derived from (seed, draw): resumable
                u = random.Random(f"{self.seed}/draw/{self.draws}").random()
                s, acc = len(self.probs) - 1, 0.0
                for i, p in enumerate(self.probs):
                    acc += p
                    if u < acc:
                        s = i
                        break
            if self.sizes[s] == 0:
                raise UserError("a training source has no records")
            if self.positions[s] >= self.sizes[s]:
                self.passes[s] += 1
                self.positions[s] = 0
                orders[s] = self._order(s)
            idx = orders[s][self.positions[s]]
            self.positions[s] += 1
            self.draws += 1
            yield s, idx

    def state_dict(self) -> Dict[str, Any]:
        return {"draws": self.draws, "positions": list(self.positions), "passes": list(self.passes)}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.draws = int(state["draws"])
        self.positions = [int(x) for x in state["positions"]]
        self.passes = [int(x) for x in state["passes"]]


class BadSampleGuard:
    """Counts invalid samples and enforces ``on_bad_sample`` / ``max_bad_sample_ratio``.

    ``error``: the first invalid sample stops the run with its message. ``skip``: invalid
    samples are counted and the first ``keep`` listed; the run stops once the skipped
    fraction exceeds ``max_ratio`` (checked after ``min_seen`` samples, so one early bad
    record does not look like 100%, and at ``finish()``).
    """

    def __init__(self, policy: str = "skip", max_ratio: float = 0.01, keep: int = 10, min_seen: Optional[int] = None):
        if policy not in ("skip", "error"):
            raise UserError(f"on_bad_sample: must be \"error\" or \"skip\", got {policy!r}")
        self.policy = policy
        self.max_ratio = max_ratio
        self.keep = keep
        self.min_seen = min_seen if min_seen is not None else max(100, int(1 / max_ratio) if max_ratio > 0 else 100)
        self.seen = 0
        self.bad = 0
        self.first: List[str] = []

    def ok(self) -> None:
        self.seen += 1

    def bad_sample(self, problems: Sequence[Problem]) -> None:
        self.seen += 1
        self.bad += 1
        if self.policy == "error":
            raise RecordError(list(problems)) from None
        if len(self.first) < self.keep:
            self.first.append("; ".join(str(p) for p in problems))
        if self.seen >= self.min_seen:
            self._check()

    @property
    def ratio(self) -> float:
        return self.bad / self.seen if self.seen else 0.0

    def _check(self) -> None:
        if self.ratio > self.max_ratio:
            listed = "\n".join("  " + s for s in self.first)
            raise UserError(
                f"{self.bad} of {self.seen} samples ({self.ratio:.1%}) are invalid, more than "
                f"max_bad_sample_ratio {self.max_ratio:g}; fix the data (run `erniekit-doc data check`) "
                f"or raise max_bad_sample_ratio. First {len(self.first)}:\n{listed}")

    def finish(self) -> None:
        self._check()

    def summary(self) -> Dict[str, Any]:
        return {"seen": self.seen, "skipped": self.bad, "ratio": self.ratio, "first_skipped": list(self.first)}
