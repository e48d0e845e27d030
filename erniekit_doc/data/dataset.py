"""Training data as the trainer sees it: config -> sources -> a stream of valid records.

Invalid records go through ``BadSampleGuard`` (``on_bad_sample``, ``max_bad_sample_ratio``):
they stop the run or are skipped, counted and listed, never dropped silently.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Iterator, List, Optional

from erniekit_doc.config import TrainConfig
from erniekit_doc.data.records import Record, RecordError, RecordOptions
from erniekit_doc.data.sources import BadSampleGuard, DataSource, MixedSource
from erniekit_doc.errors import UserError


def record_options(cfg: TrainConfig, check_images: str = "exists") -> RecordOptions:
    return RecordOptions(allow_remote_images=cfg.allow_remote_images, check_images=check_images,
                         max_image_pixels=cfg.max_image_pixels)


def open_sources(paths: List[str], opts: RecordOptions, key: str) -> List[DataSource]:
    if not paths:
        raise UserError(f"{key}: no data files given; set {key}: path/to/train.jsonl")
    sources = []
    for path in paths:
        src = DataSource(path, opts)
        try:
            n = len(src)
        except RecordError as e:
            raise UserError(f"{key}: {e}") from None
        if src.index_problems:
            raise RecordError(src.index_problems)
        if n == 0:
            raise UserError(f"{key}: {path}: the file has no records")
        sources.append(src)
    return sources


class RecordStream:
    """Endless stream of valid training records, mixed by ``train_dataset_prob``."""

    def __init__(self, cfg: TrainConfig, log: Callable[[str], None] = print):
        self.sources = open_sources(cfg.train_dataset_path, record_options(cfg), "train_dataset_path")
        self.mixer = MixedSource([len(s) for s in self.sources], cfg.train_dataset_prob, cfg.seed)
        self.guard = BadSampleGuard(cfg.on_bad_sample, cfg.max_bad_sample_ratio)
        self.log = log
        self.num_samples_each_epoch = cfg.num_samples_each_epoch

    @property
    def epoch_size(self) -> int:
        """Samples per epoch: one pass of a single source; with several sources
        num_samples_each_epoch draws (ERNIEKit's meaning), or the sum of their sizes when 0."""
        if len(self.sources) > 1 and self.num_samples_each_epoch > 0:
            return self.num_samples_each_epoch
        return sum(len(s) for s in self.sources)

    def __iter__(self) -> Iterator[Record]:
        bad_in_a_row = 0
        ratio_checked = False
        for s, i in self.mixer:
            if not ratio_checked and all(p > 0 for p in self.mixer.passes):
                self.guard.finish()  # small data sets: check the ratio once everything was read
                ratio_checked = True
            # the guard counts distinct records: only reads in a source's first pass
            first_read = self.mixer.passes[s] == 0
            record, problems = self.sources[s].read(i)
            if problems:
                if first_read:
                    self.guard.bad_sample(problems)
                    if self.guard.bad <= self.guard.keep:
                        self.log(f"skipped invalid sample ({self.guard.bad}): " + "; ".join(map(str, problems)))
                bad_in_a_row += 1
                if bad_in_a_row > sum(len(src) for src in self.sources):
                    raise UserError("no valid training records: every record read in a full pass was invalid; "
                                    "run `erniekit-doc data check` on the training files")
                continue
            bad_in_a_row = 0
            if first_read:
                self.guard.ok()
            yield record

    def state_dict(self) -> Dict[str, Any]:
        return {"mixer": self.mixer.state_dict(), "guard": self.guard.summary()}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.mixer.load_state_dict(state["mixer"])
        g = state.get("guard", {})
        self.guard.seen, self.guard.bad = int(g.get("seen", 0)), int(g.get("skipped", 0))
        self.guard.first = list(g.get("first_skipped", []))


def check_model_dir(cfg: TrainConfig) -> str:
    path = cfg.model_name_or_path
    if not path:
        raise UserError("model_name_or_path: required; give a local model directory (with config.json)")
    if not os.path.isdir(path):
        hint = (" It looks like a hub id: erniekit-doc never downloads weights; download the model "
                "(for example with `huggingface-cli download` or `aistudio download`) and pass the local directory."
                if "/" in path and not path.startswith((".", "/")) else "")
        raise UserError(f"model_name_or_path: {path!r} is not a local directory.{hint}")
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise UserError(f"model_name_or_path: {path}: no config.json in this directory; is it a model directory?")
    return path


def validate_training_inputs(cfg: TrainConfig, log: Callable[[str], None] = print) -> Dict[str, Any]:
    """Everything `train` checks before it builds a model: model dir, every training and
    evaluation record and image, under the configured bad-sample policy."""
    check_model_dir(cfg)
    result: Dict[str, Any] = {"records": 0, "skipped": 0, "files": {}}
    for key, paths in (("train_dataset_path", cfg.train_dataset_path), ("eval_dataset_path", cfg.eval_dataset_path)):
        if key == "eval_dataset_path" and not paths:
            continue
        sources = open_sources(paths, record_options(cfg, "decode"), key)
        for src in sources:
            guard = BadSampleGuard(cfg.on_bad_sample, cfg.max_bad_sample_ratio)
            for i in range(len(src)):
                _, problems = src.read(i)
                if problems:
                    guard.bad_sample(problems)
                else:
                    guard.ok()
            guard.finish()
            s = guard.summary()
            result["files"][src.path] = s
            if key == "train_dataset_path":
                result["records"] += s["seen"] - s["skipped"]
                result["skipped"] += s["skipped"]
            log(f"{key}: {src.path}: {s['seen'] - s['skipped']:,} valid records"
                + (f", {s['skipped']:,} invalid will be skipped ({s['ratio']:.2%}, max_bad_sample_ratio {cfg.max_bad_sample_ratio:g}):"
                   if s["skipped"] else ""))
            for line in s["first_skipped"]:
                log("  " + line)
            if s["skipped"] > len(s["first_skipped"]):
                log(f"  ... and {s['skipped'] - len(s['first_skipped'])} more (run `erniekit-doc data check {src.path}`)")
    return result
