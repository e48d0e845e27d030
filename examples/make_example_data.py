"""Rebuild the small example data shipped in examples/data/ (deterministic).

    python examples/make_example_data.py

Writes text-line PNGs rendered with Pillow's built-in font and three files with the
same kind of records in the three shapes erniekit-doc reads:
  ocr_lines.jsonl           ERNIEKit text_info/image_info, one record per line
  ocr_lines_array.json      the same shape as a pretty-printed JSON array (like ERNIEKit's demo files)
  query_response.jsonl      the alternative {"query", "response", "images"} shape with <image> tags
"""

import json
import os
import random

from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")

LINES = [
    "Invoice No. 2024-0187", "Total due: 1,284.50 EUR", "Date: 12/03/2025", "Ship to: 14 Rue Lafayette",
    "Qty 3 x Widget A", "VAT 20%: 214.08", "Order #55120-B", "Paid by card **** 4421",
    "Account 0042-7781-93", "Due 30 days net", "Subtotal 1,070.42", "Ref: PO-99812",
]


def render(text: str, path: str, size: int = 28) -> None:
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("RGB", (right - left + 24, bottom - top + 20), "white")
    ImageDraw.Draw(img).text((12 - left, 10 - top), text, fill="black", font=font)
    img.save(path, optimize=True)


def main() -> None:
    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    rng = random.Random(0)
    records = []
    for i, text in enumerate(LINES):
        name = f"images/line_{i:02d}.png"
        render(text, os.path.join(OUT, name), size=rng.choice([24, 28, 32]))
        records.append({"image_info": [{"image_url": name, "matched_text_index": 0}],
                        "text_info": [{"text": "OCR:", "tag": "mask"}, {"text": text, "tag": "no_mask"}]})
    # a two-turn record: OCR, then a follow-up question about the same image
    records.append({"image_info": [{"image_url": "images/line_01.png", "matched_text_index": 0}],
                    "text_info": [{"text": "OCR:", "tag": "mask"}, {"text": LINES[1], "tag": "no_mask"},
                                  {"text": "What is the currency?", "tag": "mask"}, {"text": "EUR", "tag": "no_mask"}]})
    # a text-only record (valid: no image)
    records.append({"text_info": [{"text": "Write the date 2025-03-12 as DD/MM/YYYY.", "tag": "mask"},
                                  {"text": "12/03/2025", "tag": "no_mask"}]})
    with open(os.path.join(OUT, "ocr_lines.jsonl"), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "ocr_lines_array.json"), "w", encoding="utf-8") as f:
        json.dump(records[:4], f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(OUT, "query_response.jsonl"), "w", encoding="utf-8") as f:
        for i in range(4, 8):
            f.write(json.dumps({"query": "<image>OCR:", "response": LINES[i], "images": [f"images/line_{i:02d}.png"]}) + "\n")
        f.write(json.dumps({"history": [["<image>OCR:", LINES[8]]], "query": "Which account is this?",
                            "response": "0042-7781-93", "images": ["images/line_08.png"]}) + "\n")


if __name__ == "__main__":
    main()
