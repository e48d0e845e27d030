"""The malformed-input corpus: each case is a data file and the exact messages it must produce.

``{f}`` stands for the data file's path and ``{d}`` for its directory. The fixture images
(``ok.png``, ``corrupt.png``, ``truncated.png``, ``bomb.png``) are made by ``make_images``.
"""

import base64
import io
import json
import os
import struct
import zlib

from PIL import Image

OK = '"text_info": [{"text": "OCR:", "tag": "mask"}, {"text": "abc", "tag": "no_mask"}]'
IMG = '"image_info": [{"image_url": "ok.png", "matched_text_index": 0}]'


def rec(**overrides) -> str:
    r = {"image_info": [{"image_url": "ok.png", "matched_text_index": 0}],
         "text_info": [{"text": "OCR:", "tag": "mask"}, {"text": "abc", "tag": "no_mask"}]}
    r.update(overrides)
    return json.dumps(r)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with almost no data (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


def make_images(d: str) -> None:
    Image.new("RGB", (64, 32), "white").save(os.path.join(d, "ok.png"))
    with open(os.path.join(d, "corrupt.png"), "wb") as f:
        f.write(b"this is not an image at all" * 10)
    buf = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(buf, format="PNG")
    with open(os.path.join(d, "truncated.png"), "wb") as f:
        f.write(buf.getvalue()[: len(buf.getvalue()) // 2])
    with open(os.path.join(d, "bomb.png"), "wb") as f:
        f.write(_png_header_only(100000, 100000))


def ok_png_base64(d: str) -> str:
    with open(os.path.join(d, "ok.png"), "rb") as f:
        return base64.b64encode(f.read()).decode()


# name -> (file name, bytes content, expected messages)
CASES = {
    "invalid_json": ("data.jsonl", b'{"text_info": [}\n', [
        '{f}:1: invalid JSON: Expecting value (column 16)']),
    "trailing_garbage": ("data.jsonl", ("{" + OK + "} extra\n").encode(), [
        '{f}:1: invalid JSON: extra data after the record (column 85); put one record per line']),
    "record_not_object": ("data.jsonl", b'["OCR:", "abc"]\n', [
        '{f}:1: record: expected a JSON object with "text_info" and "image_info", got a list']),
    "record_null": ("data.jsonl", b'null\n', [
        '{f}:1: record: expected a JSON object with "text_info" and "image_info", got null']),
    "missing_text_info": ("data.jsonl", ("{" + IMG + "}\n").encode(), [
        '{f}:1: text_info: missing; expected a list of {"text", "tag"} items (ERNIEKit format) or "query"/"response" keys (found keys: image_info)']),
    "text_info_not_list": ("data.jsonl", rec(text_info="OCR:").encode() + b"\n", [
        '{f}:1: text_info: expected a list of {"text", "tag"} items, got a string']),
    "text_info_empty": ("data.jsonl", rec(text_info=[], image_info=[]).encode() + b"\n", [
        '{f}:1: text_info: empty list; a sample needs a "mask" prompt followed by a "no_mask" answer']),
    "item_not_object": ("data.jsonl", rec(text_info=["OCR:", {"text": "a", "tag": "no_mask"}]).encode() + b"\n", [
        '{f}:1: text_info[0]: expected an object {"text": ..., "tag": "mask"|"no_mask"}, got a string']),
    "missing_text": ("data.jsonl", rec(text_info=[{"tag": "mask"}, {"text": "a", "tag": "no_mask"}]).encode() + b"\n", [
        '{f}:1: text_info[0].text: missing; every text_info item needs a "text" string']),
    "text_not_string": ("data.jsonl", rec(text_info=[{"text": "OCR:", "tag": "mask"}, {"text": 123, "tag": "no_mask"}]).encode() + b"\n", [
        '{f}:1: text_info[1].text: expected a string, got an integer 123']),
    "missing_tag": ("data.jsonl", rec(text_info=[{"text": "OCR:"}, {"text": "a", "tag": "no_mask"}]).encode() + b"\n", [
        '{f}:1: text_info[0].tag: missing; expected "mask" (prompt) or "no_mask" (answer)']),
    "bad_tag": ("data.jsonl", rec(text_info=[{"text": "OCR:", "tag": "mask"}, {"text": "a", "tag": "nomask"}]).encode() + b"\n", [
        '{f}:1: text_info[1].tag: must be "mask" or "no_mask", got "nomask" (did you mean "no_mask"?)']),
    "tag_wrong_type": ("data.jsonl", rec(text_info=[{"text": "OCR:", "tag": 1}, {"text": "a", "tag": "no_mask"}]).encode() + b"\n", [
        '{f}:1: text_info[0].tag: must be "mask" or "no_mask", got 1']),
    "first_turn_answer": ("data.jsonl", rec(text_info=[{"text": "a", "tag": "no_mask"}, {"text": "OCR:", "tag": "mask"}, {"text": "b", "tag": "no_mask"}], image_info=[]).encode() + b"\n", [
        '{f}:1: text_info[0].tag: the first turn must be a "mask" prompt, got "no_mask"; put the prompt (for example "OCR:") first']),
    "ends_with_prompt": ("data.jsonl", rec(text_info=[{"text": "OCR:", "tag": "mask"}, {"text": "a", "tag": "no_mask"}, {"text": "more?", "tag": "mask"}]).encode() + b"\n", [
        '{f}:1: text_info[2].tag: the sample ends with a "mask" prompt that has no "no_mask" answer after it; add the answer or remove the prompt']),
    "image_info_not_list": ("data.jsonl", rec(image_info={"image_url": "ok.png", "matched_text_index": 0}).encode() + b"\n", [
        '{f}:1: image_info: expected a list of {"image_url", "matched_text_index"} items, got an object']),
    "image_item_not_object": ("data.jsonl", rec(image_info=["ok.png"]).encode() + b"\n", [
        '{f}:1: image_info[0]: expected an object {"image_url": ..., "matched_text_index": ...}, got a string']),
    "missing_image_url": ("data.jsonl", rec(image_info=[{"matched_text_index": 0}]).encode() + b"\n", [
        '{f}:1: image_info[0].image_url: missing; expected a path (relative to the data file), base64 data or a URL']),
    "empty_image_url": ("data.jsonl", rec(image_info=[{"image_url": " ", "matched_text_index": 0}]).encode() + b"\n", [
        '{f}:1: image_info[0].image_url: expected a non-empty string, got " "']),
    "missing_matched_index": ("data.jsonl", rec(image_info=[{"image_url": "ok.png"}]).encode() + b"\n", [
        '{f}:1: image_info[0].matched_text_index: missing; expected the index of the "mask" text_info item the image belongs to']),
    "matched_index_string": ("data.jsonl", rec(image_info=[{"image_url": "ok.png", "matched_text_index": "0"}]).encode() + b"\n", [
        '{f}:1: image_info[0].matched_text_index: expected an integer, got a string "0"']),
    "matched_index_bool": ("data.jsonl", rec(image_info=[{"image_url": "ok.png", "matched_text_index": True}]).encode() + b"\n", [
        '{f}:1: image_info[0].matched_text_index: expected an integer, got a boolean true']),
    "matched_index_out_of_range": ("data.jsonl", rec(image_info=[{"image_url": "ok.png", "matched_text_index": 5}]).encode() + b"\n", [
        '{f}:1: image_info[0].matched_text_index: 5 is out of range; text_info has 2 item(s), indices 0-1']),
    "matched_index_points_to_answer": ("data.jsonl", rec(image_info=[{"image_url": "ok.png", "matched_text_index": 1}]).encode() + b"\n", [
        '{f}:1: image_info[0].matched_text_index: points to text_info[1], a "no_mask" answer; images must belong to a "mask" prompt']),
    "missing_image_file": ("data.jsonl", rec(image_info=[{"image_url": "img/missing.png", "matched_text_index": 0}]).encode() + b"\n", [
        '{f}:1: image_info[0].image_url: file not found: img/missing.png (looked for {d}/img/missing.png)']),
    "corrupt_image": ("data.jsonl", rec(image_info=[{"image_url": "corrupt.png", "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: cannot decode corrupt.png: not a recognised image format"]),
    "truncated_image": ("data.jsonl", rec(image_info=[{"image_url": "truncated.png", "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: cannot decode truncated.png: image file is truncated"]),
    "decompression_bomb": ("data.jsonl", rec(image_info=[{"image_url": "bomb.png", "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: bomb.png is 100000x100000 (10,000,000,000 pixels), above max_image_pixels 89,478,485; downscale it or raise max_image_pixels"]),
    "remote_url_refused": ("data.jsonl", rec(image_info=[{"image_url": "https://example.com/a.png", "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: remote URL refused: https://example.com/a.png; download the images and use local paths, or set allow_remote_images: true"]),
    "unsupported_scheme": ("data.jsonl", rec(image_info=[{"image_url": "ftp://host/a.png", "matched_text_index": 0}]).encode() + b"\n", [
        '{f}:1: image_info[0].image_url: unsupported URL scheme "ftp" in "ftp://host/a.png"; use a local path, base64 data or http(s)']),
    "bad_base64": ("data.jsonl", rec(image_info=[{"image_url": "data:image/png;base64,iVBORw0KGgo!!!", "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: invalid base64 image data: '!' at position 11 of the base64 data is not a base64 character"]),
    "data_uri_not_base64": ("data.jsonl", rec(image_info=[{"image_url": "data:image/png,rawbytes", "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: a data: URI must be base64-encoded, like data:image/png;base64,iVBOR..."]),
    "base64_not_an_image": ("data.jsonl", rec(image_info=[{"image_url": "data:image/png;base64," + base64.b64encode(b"hello world, not a png").decode(), "matched_text_index": 0}]).encode() + b"\n", [
        "{f}:1: image_info[0].image_url: cannot decode inline image: not a recognised image format"]),
    "non_utf8": ("data.jsonl", b'{"text_info": [{"text": "caf\xe9", "tag": "mask"}]}\n', [
        "{f}:1: not valid UTF-8 (byte 0xe9 at column 29); re-encode the file as UTF-8"]),
    "duplicate_key": ("data.jsonl", ('{' + OK + ', ' + OK + '}\n').encode(), [
        "{f}:1: text_info: duplicate key; a JSON reader keeps only the last value, so the other would be silently lost"]),
    "utf16_file": ("data.jsonl", ("{" + OK + "}\n").encode("utf-16"), [
        "{f}: file is UTF-16 little-endian encoded; save it as UTF-8"]),
    "blank_line": ("data.jsonl", ("{" + OK + "}\n\n{" + OK + "}\n").encode(), [
        "{f}:2: warning: blank line ignored"]),
    "bom_mid_file": ("data.jsonl", ("{" + OK + "}\n\ufeff{" + OK + "}\n").encode(), [
        "{f}:2: warning: UTF-8 byte-order mark in the middle of the file ignored (were files concatenated?)"]),
    "bom_at_start_is_fine": ("data.jsonl", ("\ufeff{" + OK + "}\n").encode(), []),
    "several_problems_in_one_record": ("data.jsonl", rec(text_info=[{"text": 1, "tag": "mask"}, {"text": "a", "tag": "answer"}], image_info=[{"image_url": "ok.png"}]).encode() + b"\n", [
        "{f}:1: text_info[0].text: expected a string, got an integer 1",
        '{f}:1: text_info[1].tag: must be "mask" or "no_mask", got "answer"',
        '{f}:1: image_info[0].matched_text_index: missing; expected the index of the "mask" text_info item the image belongs to']),
    "problem_on_later_line": ("data.jsonl", ("{" + OK + "}\n{" + OK + "}\n" + '{"text_info": [{"text": "OCR:", "tag": "mask"}]}\n').encode(), [
        '{f}:3: text_info[0].tag: the sample ends with a "mask" prompt that has no "no_mask" answer after it; add the answer or remove the prompt']),
    "query_response_tag_mismatch": ("data.jsonl", b'{"query": "<image><image>OCR:", "response": "a", "images": ["ok.png"]}\n', [
        '{f}:1: images: 1 image(s) but 2 "<image>" tag(s) in the queries; put one "<image>" where each image goes']),
    "query_response_missing_response": ("data.jsonl", b'{"query": "<image>OCR:", "images": ["ok.png"]}\n', [
        '{f}:1: response: missing; the query/response record shape needs both "query" and "response"']),
    "query_response_bad_history": ("data.jsonl", b'{"history": ["just a string"], "query": "OCR:", "response": "a"}\n', [
        '{f}:1: history[0]: expected a [query, response] pair, got "just a string"']),
    "json_array_truncated": ("data.json", ("[\n  {" + OK + "},\n  {" + OK).encode(), [
        "{f}:3: invalid JSON: Expecting ',' delimiter; the rest of the file is not read"]),
    "json_array_missing_comma": ("data.json", ("[\n  {" + OK + "}\n  {" + OK + "}\n]\n").encode(), [
        "{f}:3: invalid JSON: expected ',' or ']' between records, got '{'; the rest of the file is not read"]),
    "json_array_bad_record": ("data.json", ("[\n  {" + OK + "},\n  {\"text_info\": 5}\n]\n").encode(), [
        '{f}:3: text_info: expected a list of {"text", "tag"} items, got an integer']),
}
