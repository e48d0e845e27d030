"""ERNIEKit records: parse and validate one JSON line into a typed ``Record``.

The ERNIEKit shape (what ERNIEKit's PaddleOCR-VL SFT reads)::

    {"image_info": [{"image_url": "img/0.png", "matched_text_index": 0}],
     "text_info": [{"text": "OCR:", "tag": "mask"}, {"text": "Hello", "tag": "no_mask"}]}

``mask`` items are prompts (not trained on), ``no_mask`` items are answers (trained on).
Consecutive items with the same tag form one turn; the first turn is a prompt and every
prompt is followed by an answer. Each image belongs to the ``mask`` item at
``matched_text_index`` and is placed before that item's text.

The alternative shape ``{"query", "response", "images", "history", "system"}`` with
``<image>`` tags is converted on read (see ``convert_query_response``).

Every problem becomes a ``Problem`` with file, line, field and a message that says what
was wrong and what was expected; validation collects all problems of a record.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from erniekit_doc.errors import UserError, suggestion

TAGS = ("mask", "no_mask")
IMAGE_TAG = "<image>"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, printed as ``FILE:LINE: field: message``."""

    file: str
    line: Optional[int]
    field: Optional[str]
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {'warning: ' if self.warning else ''}{what}"


class RecordError(UserError):
    """A record (or a whole file) is invalid; carries every problem found."""

    def __init__(self, problems: List[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class TextItem:
    text: str
    tag: str  # "mask" (prompt) or "no_mask" (answer)


@dataclass
class ImageRef:
    """An image as the record names it, plus where it actually is."""

    url: str
    matched_text_index: int
    kind: str  # "path", "base64" (raw or data: URI) or "remote"
    path: Optional[str] = None  # absolute path for kind == "path"

    def describe(self) -> str:
        if self.kind == "base64":
            return f"inline base64 image ({len(self.url)} characters)"
        return self.url


@dataclass
class Turn:
    """One prompt (mask items, with their images) and its answer (no_mask items)."""

    prompt: List[TextItem]
    answer: List[TextItem]
    images: List[ImageRef]

    @property
    def prompt_text(self) -> str:
        return "".join(t.text for t in self.prompt)

    @property
    def answer_text(self) -> str:
        return "".join(t.text for t in self.answer)


@dataclass
class Record:
    source: str  # the data file as the user named it
    line: int  # 1-based line where the record starts
    text_info: List[TextItem]
    image_info: List[ImageRef] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    def turns(self) -> List[Turn]:
        """Group consecutive same-tag items into prompt/answer turns (validated: starts with mask)."""
        by_item: Dict[int, List[ImageRef]] = {}
        for img in self.image_info:
            by_item.setdefault(img.matched_text_index, []).append(img)
        turns: List[Turn] = []
        for i, item in enumerate(self.text_info):
            if item.tag == "mask":
                if not turns or turns[-1].answer:
                    turns.append(Turn([], [], []))
                turns[-1].prompt.append(item)
                turns[-1].images.extend(by_item.get(i, []))
            else:
                turns[-1].answer.append(item)
        return turns


@dataclass
class RecordOptions:
    allow_remote_images: bool = False
    check_images: str = "exists"  # "none", "exists" (cheap stat) or "decode" (open and decode)
    max_image_pixels: int = 89478485


# ---------------------------------------------------------------------------------------
# JSON text -> object


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKey(k)
        out[k] = v
    return out


DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)


def decode_line(raw: bytes, file: str, line: int) -> Tuple[Any, Optional[Problem]]:
    """Bytes of one JSONL line -> (object, None) or (None, Problem)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, Problem(file, line, None, f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1}); re-encode the file as UTF-8")
    return parse_json_text(text, file, line)


def parse_json_text(text: str, file: str, line: int) -> Tuple[Any, Optional[Problem]]:
    start = len(text) - len(text.lstrip())
    try:
        obj, end = DECODER.raw_decode(text, start)
    except DuplicateKey as e:
        return None, Problem(file, line, e.key, "duplicate key; a JSON reader keeps only the last value, so the other would be silently lost")
    except json.JSONDecodeError as e:
        return None, Problem(file, line, None, f"invalid JSON: {e.msg} (column {e.colno})")
    rest = text[end:]
    if rest.strip():
        column = end + len(rest) - len(rest.lstrip()) + 1
        return None, Problem(file, line, None, f"invalid JSON: extra data after the record (column {column}); put one record per line")
    return obj, None


# ---------------------------------------------------------------------------------------
# object -> Record


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_B64_RE = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}$")


def classify_image_url(url: str, base_dir: str) -> Tuple[str, Optional[str]]:
    """-> (kind, absolute path or None). kind: path, base64, remote, or 'scheme:<x>' (unsupported)."""
    if url.startswith("data:"):
        return "base64", None
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if m:
        scheme = m.group(1).lower()
        if scheme in ("http", "https"):
            return "remote", None
        if scheme == "file":
            return "path", os.path.abspath(url[len("file://"):])
        return f"scheme:{scheme}", None
    path = url if os.path.isabs(url) else os.path.join(base_dir, url)
    if len(url) >= 64 and _B64_RE.match(url) and not os.path.exists(path):
        return "base64", None
    return "path", os.path.abspath(path)


def decode_base64_image(url: str) -> bytes:
    """Inline image data (raw base64 or a data: URI) -> bytes; ValueError with the reason."""
    payload = url
    if url.startswith("data:"):
        header, sep, payload = url.partition(",")
        if not sep or not header.endswith(";base64"):
            raise ValueError("a data: URI must be base64-encoded, like data:image/png;base64,iVBOR...")
    payload = "".join(payload.split())
    bad = re.search(r"[^A-Za-z0-9+/=]", payload)
    if bad:
        raise ValueError(f"invalid base64 image data: {bad.group()!r} at position {bad.start()} of the base64 data is not a base64 character")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError(f"invalid base64 image data: {e}") from None


def open_image(ref: ImageRef, max_pixels: int):
    """Open and fully decode an image -> PIL.Image in RGB. ValueError with the reason.

    The pixel count is checked from the header before decoding (decompression-bomb guard).
    """
    from PIL import Image

    if ref.kind == "base64":
        source = io.BytesIO(decode_base64_image(ref.url))
        name = "inline image"
    elif ref.kind == "path":
        if not os.path.isfile(ref.path):
            raise FileNotFoundError(ref.path)
        source = ref.path
        name = ref.url
    else:
        raise ValueError(f"cannot open {ref.kind} image {ref.url}")
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # we apply our own, configurable limit below
    try:
        try:
            img = Image.open(source)
        except Exception:  # PIL raises several types for garbage
            raise ValueError(f"cannot decode {name}: not a recognised image format") from None
        w, h = img.size
        if w * h > max_pixels:
            raise ValueError(f"{name} is {w}x{h} ({w * h:,} pixels), above max_image_pixels {max_pixels:,}; "
                             f"downscale it or raise max_image_pixels")
        try:
            img.load()
        except Exception as e:
            raise ValueError(f"cannot decode {name}: {e}") from None
        return img.convert("RGB") if img.mode != "RGB" else img
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def check_image(ref: ImageRef, opts: RecordOptions, cache: Optional[Dict[str, Any]] = None) -> Optional[str]:
    """Problem message for an image reference, or None if it is usable."""
    if ref.kind == "remote":
        return None if opts.allow_remote_images else (
            f"remote URL refused: {ref.url}; download the images and use local paths, "
            f"or set allow_remote_images: true")
    if ref.kind.startswith("scheme:"):
        return f"unsupported URL scheme \"{ref.kind[7:]}\" in {_show(ref.url)}; use a local path, base64 data or http(s)"
    if ref.kind == "path" and opts.check_images != "none" and not os.path.isfile(ref.path):
        return f"file not found: {ref.url} (looked for {ref.path})"
    if opts.check_images != "decode":
        if ref.kind == "base64":
            try:
                decode_base64_image(ref.url)
            except ValueError as e:
                return str(e)
        return None
    key = ref.path if ref.kind == "path" else None
    if cache is not None and key is not None and key in cache:
        return cache[key]
    try:
        open_image(ref, opts.max_image_pixels)
        result = None
    except FileNotFoundError:
        result = f"file not found: {ref.url} (looked for {ref.path})"
    except ValueError as e:
        result = str(e)
    if cache is not None and key is not None:
        cache[key] = result
    return result


def convert_query_response(obj: Dict[str, Any], file: str, line: int) -> Tuple[Optional[Dict[str, Any]], List[Problem]]:
    """The alternative record shape -> ERNIEKit text_info/image_info.

    ``{"system"?, "history"?: [[q, a], ...] or [{"query", "response"}], "query", "response",
    "images"?: [url, ...]}``. Each ``<image>`` tag in a query marks where the next image of
    ``images`` goes; with no tags at all, every image belongs to the first query.
    """
    problems: List[Problem] = []
    P = lambda fld, msg: problems.append(Problem(file, line, fld, msg))  # noqa: E731
    pairs: List[Tuple[Any, Any, str]] = []
    history = obj.get("history", [])
    if not isinstance(history, list):
        P("history", f"expected a list of [query, response] pairs, got {_kind(history)}")
        history = []
    for i, h in enumerate(history):
        if isinstance(h, (list, tuple)) and len(h) == 2:
            pairs.append((h[0], h[1], f"history[{i}]"))
        elif isinstance(h, dict) and "query" in h and "response" in h:
            pairs.append((h["query"], h["response"], f"history[{i}]"))
        else:
            P(f"history[{i}]", f"expected a [query, response] pair, got {_show(h)}")
    for key in ("query", "response"):
        if key not in obj:
            P(key, "missing; the query/response record shape needs both \"query\" and \"response\"")
    pairs.append((obj.get("query", ""), obj.get("response", ""), ""))
    text_info: List[Dict[str, Any]] = []
    tagged: List[int] = []  # text_info index of each <image> tag, in order
    system = obj.get("system")
    if system is not None and not isinstance(system, str):
        P("system", f"expected a string, got {_kind(system)}")
        system = None
    for q, a, where in pairs:
        qf, af = (f"{where}[0]", f"{where}[1]") if where else ("query", "response")
        if not isinstance(q, str):
            P(qf, f"expected a string, got {_kind(q)}")
            q = ""
        if not isinstance(a, str):
            P(af, f"expected a string, got {_kind(a)}")
            a = ""
        if system and not text_info:
            q = system + "\n" + q
        tagged.extend([len(text_info)] * q.count(IMAGE_TAG))
        text_info.append({"text": q.replace(IMAGE_TAG, ""), "tag": "mask"})
        text_info.append({"text": a, "tag": "no_mask"})
    images = obj.get("images", [])
    if isinstance(images, str):
        images = [images]
    if not isinstance(images, list):
        P("images", f"expected a list of image paths, got {_kind(images)}")
        images = []
    if tagged and len(tagged) != len(images):
        P("images", f"{len(images)} image(s) but {len(tagged)} \"{IMAGE_TAG}\" tag(s) in the queries; "
                    f"put one \"{IMAGE_TAG}\" where each image goes")
    targets = tagged if tagged else [0] * len(images)
    image_info = [{"image_url": url, "matched_text_index": t} for url, t in zip(images, targets)]
    return ({"text_info": text_info, "image_info": image_info} if not problems else None), problems


def validate_record(obj: Any, file: str, line: int, opts: RecordOptions,
                    image_cache: Optional[Dict[str, Any]] = None) -> Tuple[Optional[Record], List[Problem]]:
    """A parsed JSON value -> (Record, []) or (None, problems)."""
    problems: List[Problem] = []
    P = lambda fld, msg: problems.append(Problem(file, line, fld, msg))  # noqa: E731
    if not isinstance(obj, dict):
        P("record", f"expected a JSON object with \"text_info\" and \"image_info\", got {_kind(obj)}")
        return None, problems
    if "text_info" not in obj and "text_list" in obj:  # ERNIEKit's older name
        obj = dict(obj, text_info=obj["text_list"])
    if "text_info" not in obj:
        if "query" in obj or "response" in obj:
            obj, problems = convert_query_response(obj, file, line)
            if problems:
                return None, problems
        else:
            keys = ", ".join(sorted(map(str, obj))) or "none"
            P("text_info", f"missing; expected a list of {{\"text\", \"tag\"}} items "
                           f"(ERNIEKit format) or \"query\"/\"response\" keys (found keys: {keys})")
            return None, problems
    base_dir = os.path.dirname(os.path.abspath(file))

    text_info = obj["text_info"]
    items: List[TextItem] = []
    text_ok = isinstance(text_info, list) and bool(text_info)
    if not isinstance(text_info, list):
        P("text_info", f"expected a list of {{\"text\", \"tag\"}} items, got {_kind(text_info)}")
        text_info = []
    elif not text_info:
        P("text_info", "empty list; a sample needs a \"mask\" prompt followed by a \"no_mask\" answer")
    for i, item in enumerate(text_info):
        fld = f"text_info[{i}]"
        if not isinstance(item, dict):
            P(fld, f"expected an object {{\"text\": ..., \"tag\": \"mask\"|\"no_mask\"}}, got {_kind(item)}")
            items.append(TextItem("", "?"))
            continue
        text, tag = item.get("text"), item.get("tag")
        if "text" not in item:
            P(f"{fld}.text", "missing; every text_info item needs a \"text\" string")
        elif not isinstance(text, str):
            P(f"{fld}.text", f"expected a string, got {_kind(text)} {_show(text)}")
        if "tag" not in item:
            P(f"{fld}.tag", "missing; expected \"mask\" (prompt) or \"no_mask\" (answer)")
        elif tag not in TAGS:
            hint = suggestion(tag, TAGS) if isinstance(tag, str) else ""
            P(f"{fld}.tag", f"must be \"mask\" or \"no_mask\", got {_show(tag)}{hint}")
        items.append(TextItem(text if isinstance(text, str) else "", tag if tag in TAGS else "?"))
    if items and all(it.tag in TAGS for it in items):
        if items[0].tag != "mask":
            P("text_info[0].tag", "the first turn must be a \"mask\" prompt, got \"no_mask\"; "
                                  "put the prompt (for example \"OCR:\") first")
        elif items[-1].tag == "mask":
            P(f"text_info[{len(items) - 1}].tag", "the sample ends with a \"mask\" prompt that has no "
                                                   "\"no_mask\" answer after it; add the answer or remove the prompt")

    images: List[ImageRef] = []
    image_info = obj.get("image_info", [])
    if image_info is None:
        image_info = []
    if not isinstance(image_info, list):
        P("image_info", f"expected a list of {{\"image_url\", \"matched_text_index\"}} items, got {_kind(image_info)}")
        image_info = []
    for i, img in enumerate(image_info):
        fld = f"image_info[{i}]"
        if not isinstance(img, dict):
            P(fld, f"expected an object {{\"image_url\": ..., \"matched_text_index\": ...}}, got {_kind(img)}")
            continue
        url, idx = img.get("image_url"), img.get("matched_text_index")
        ok = True
        if "image_url" not in img:
            P(f"{fld}.image_url", "missing; expected a path (relative to the data file), base64 data or a URL")
            ok = False
        elif not isinstance(url, str) or not url.strip():
            P(f"{fld}.image_url", f"expected a non-empty string, got {_show(url)}")
            ok = False
        if "matched_text_index" not in img:
            P(f"{fld}.matched_text_index", "missing; expected the index of the \"mask\" text_info item the image belongs to")
            ok = False
        elif not isinstance(idx, int) or isinstance(idx, bool):
            P(f"{fld}.matched_text_index", f"expected an integer, got {_kind(idx)} {_show(idx)}")
            ok = False
        elif not text_ok:
            ok = False  # already reported: text_info is not a usable list
        elif not 0 <= idx < len(items):
            P(f"{fld}.matched_text_index", f"{idx} is out of range; text_info has {len(items)} item(s), indices 0-{len(items) - 1}")
            ok = False
        elif items[idx].tag == "no_mask":
            P(f"{fld}.matched_text_index", f"points to text_info[{idx}], a \"no_mask\" answer; images must belong to a \"mask\" prompt")
            ok = False
        if not ok:
            continue
        kind, path = classify_image_url(url, base_dir)
        ref = ImageRef(url, idx, kind, path)
        message = check_image(ref, opts, image_cache)
        if message:
            P(f"{fld}.image_url", message)
            continue
        images.append(ref)
    if problems:
        return None, problems
    return Record(file, line, items, images), []
