"""`data check` and `data stats`: one streaming pass over data files.

Both walk the files with ``iter_file`` (constant memory) and validate each record with
the same code training uses, so what `data check` accepts is what training reads.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from erniekit_doc.data.records import Problem, Record, RecordOptions, decode_base64_image, validate_record
from erniekit_doc.data.sources import iter_file


@dataclass
class FileReport:
    path: str
    records: int = 0
    invalid: int = 0
    warnings: int = 0
    file_error: bool = False


def scan(paths: Sequence[str], opts: RecordOptions,
         on_problem: Callable[[Problem], None]) -> Iterator[Tuple[FileReport, Record]]:
    """Yield (report of its file, record) for each valid record; report every problem."""
    cache: Dict[str, Optional[str]] = {}
    for path in paths:
        report = FileReport(path)
        for line, item in iter_file(path):
            if isinstance(item, Problem):
                on_problem(item)
                if item.warning:
                    report.warnings += 1
                elif item.line is None:
                    report.file_error = True
                else:
                    report.records += 1
                    report.invalid += 1
                continue
            report.records += 1
            record, problems = validate_record(item, path, line, opts, cache)
            if problems:
                report.invalid += 1
                for p in problems:
                    on_problem(p)
                continue
            yield report, record
        yield report, None  # end of file marker: lets callers collect the final report


def check_files(paths: Sequence[str], opts: RecordOptions,
                on_problem: Callable[[Problem], None]) -> List[FileReport]:
    reports: Dict[str, FileReport] = {}
    for report, _ in scan(paths, opts, on_problem):
        reports[report.path] = report
    return [reports[p] for p in paths if p in reports]


# ---------------------------------------------------------------------------------------
# stats

KNOWN_TASKS = ("OCR:", "Table Recognition:", "Formula Recognition:", "Chart Recognition:")


def _percentiles(values: List[int]) -> Dict[str, float]:
    if not values:
        return {"n": 0}
    v = sorted(values)

    def q(p: float) -> float:
        return float(v[min(len(v) - 1, max(0, math.ceil(p * len(v)) - 1))])

    return {"n": len(v), "min": float(v[0]), "median": q(0.5), "mean": sum(v) / len(v), "p95": q(0.95), "max": float(v[-1])}


@dataclass
class Stats:
    records: int = 0
    invalid: int = 0
    turns: int = 0
    images: int = 0
    text_only: int = 0
    prompt_chars: List[int] = field(default_factory=list)
    answer_chars: List[int] = field(default_factory=list)
    image_widths: List[int] = field(default_factory=list)
    image_heights: List[int] = field(default_factory=list)
    image_errors: int = 0
    tasks: Counter = field(default_factory=Counter)

    def add(self, record: Record, read_image_sizes: bool, max_pixels: int) -> None:
        self.records += 1
        turns = record.turns()
        self.turns += len(turns)
        self.images += len(record.image_info)
        if not record.image_info:
            self.text_only += 1
        for t in turns:
            self.prompt_chars.append(len(t.prompt_text))
            self.answer_chars.append(len(t.answer_text))
        task = turns[0].prompt_text.strip() if turns else ""
        self.tasks[task if len(task) <= 40 else task[:37] + "..."] += 1
        if read_image_sizes:
            for ref in record.image_info:
                size = _image_size(ref, max_pixels)
                if size is None:
                    self.image_errors += 1
                else:
                    self.image_widths.append(size[0])
                    self.image_heights.append(size[1])

    def as_dict(self) -> Dict:
        return {
            "records": self.records, "invalid_records": self.invalid, "turns": self.turns,
            "images": self.images, "text_only_records": self.text_only,
            "prompt_chars": _percentiles(self.prompt_chars), "answer_chars": _percentiles(self.answer_chars),
            "image_width": _percentiles(self.image_widths), "image_height": _percentiles(self.image_heights),
            "image_pixels": _percentiles([w * h for w, h in zip(self.image_widths, self.image_heights)]),
            "unreadable_images": self.image_errors,
            "tasks": dict(self.tasks.most_common()),
        }


def _image_size(ref, max_pixels: int) -> Optional[Tuple[int, int]]:
    """Width and height from the image header only (no full decode)."""
    from PIL import Image

    try:
        if ref.kind == "path":
            with Image.open(ref.path) as img:
                return img.size
        if ref.kind == "base64":
            with Image.open(io.BytesIO(decode_base64_image(ref.url))) as img:
                return img.size
    except Exception:
        return None
    return None


def format_stats_table(stats: Dict) -> str:
    lines = [f"{'records':<22}{stats['records']:>12,}",
             f"{'invalid records':<22}{stats['invalid_records']:>12,}",
             f"{'turns':<22}{stats['turns']:>12,}",
             f"{'images':<22}{stats['images']:>12,}",
             f"{'text-only records':<22}{stats['text_only_records']:>12,}",
             ""]
    header = f"{'':<22}{'min':>10}{'median':>10}{'mean':>10}{'p95':>10}{'max':>10}"
    lines.append(header)
    for key, label in (("prompt_chars", "prompt chars / turn"), ("answer_chars", "answer chars / turn"),
                       ("image_width", "image width (px)"), ("image_height", "image height (px)"),
                       ("image_pixels", "image pixels")):
        d = stats[key]
        if d.get("n"):
            lines.append(f"{label:<22}" + "".join(f"{d[k]:>10,.0f}" if k != "mean" else f"{d[k]:>10,.1f}"
                                                  for k in ("min", "median", "mean", "p95", "max")))
        else:
            lines.append(f"{label:<22}{'-':>10}")
    if stats["unreadable_images"]:
        lines.append(f"unreadable images: {stats['unreadable_images']}")
    lines += ["", f"{'task prompt':<44}{'records':>10}{'share':>8}"]
    total = max(1, stats["records"])
    for task, n in list(stats["tasks"].items())[:15]:
        lines.append(f"{json.dumps(task, ensure_ascii=False):<44}{n:>10,}{n / total:>8.1%}")
    if len(stats["tasks"]) > 15:
        lines.append(f"... {len(stats['tasks']) - 15} more distinct prompts")
    return "\n".join(lines)


def save_histogram(stats: Stats, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].hist(stats.prompt_chars or [0], bins=40, color="#4c72b0")
    axes[0].set_title("prompt length (chars per turn)")
    axes[1].hist(stats.answer_chars or [0], bins=40, color="#dd8452")
    axes[1].set_title("answer length (chars per turn)")
    if stats.image_widths:
        axes[2].scatter(stats.image_widths, stats.image_heights, s=4, alpha=0.5, color="#55a868")
    axes[2].set_title("image sizes (width vs height, px)")
    axes[2].set_xlabel("width")
    axes[2].set_ylabel("height")
    for ax in axes[:2]:
        ax.set_ylabel("turns")
    fig.suptitle(f"{stats.records:,} records, {stats.images:,} images")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
