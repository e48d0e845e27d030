"""Typed training configuration with ERNIEKit's key names.

A config is a YAML (or JSON) mapping of flat ERNIEKit keys, optionally with nested
sections (``processor``), plus ``key=value`` / ``key.sub=value`` overrides from the
command line. Every key is checked: an unknown key is an error with a did-you-mean
suggestion (ERNIEKit silently ignores typos), every value is type-checked with the key
and the config line named in the message, and keys that only make sense on a cluster
are accepted at their single-device value only.

Loading is safe: YAML goes through ``yaml.SafeLoader`` (no object construction) and
duplicate keys are errors instead of silently keeping the last one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from erniekit_doc.errors import UserError, suggestion

# ---------------------------------------------------------------------------------------
# Schema helpers


def opt(default: Any, help: str, *, choices: Optional[Sequence[str]] = None,
        minimum: Optional[float] = None, single_device: Any = dataclasses.MISSING) -> Any:
    """A config field: default, one-line help, optional choices / lower bound.

    ``single_device``: the only value this implementation supports for a key that
    only makes sense on a multi-device cluster (e.g. ``tensor_parallel_degree: 1``).
    """
    meta = {"help": help, "choices": tuple(choices) if choices else None, "minimum": minimum}
    if single_device is not dataclasses.MISSING:
        meta["single_device"] = single_device
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=meta)
    if dataclasses.is_dataclass(default):
        return field(default_factory=type(default), metadata=meta)
    return field(default=default, metadata=meta)


# ---------------------------------------------------------------------------------------
# The schema. Keys and meanings follow ERNIEKit's PaddleOCR-VL SFT recipe
# (examples/configs/PaddleOCR-VL/sft/run_ocr_vl_sft_16k.yaml); docs/CONFIG.md is generated
# from the help strings below.

@dataclass
class ProcessorConfig:
    min_pixels: Optional[int] = opt(None, "Smallest image area after resizing; default: the model's preprocessor_config.json.", minimum=1)
    max_pixels: Optional[int] = opt(None, "Largest image area after resizing; default: the model's preprocessor_config.json.", minimum=1)


STAGES = ("OCR-VL-SFT",)
DATASET_TYPES = ("erniekit",)


@dataclass
class TrainConfig:
    # --- data -------------------------------------------------------------------------
    train_dataset_type: List[str] = opt(["erniekit"], "Format of each training source (comma-separated, one per path or one for all).", choices=DATASET_TYPES)
    train_dataset_path: List[str] = opt([], "Training JSONL/JSON files, comma-separated. Relative paths are relative to the working directory.")
    train_dataset_prob: List[float] = opt([], "Mixing weights of the training sources, comma-separated; empty = equal weights.", minimum=0)
    eval_dataset_type: List[str] = opt(["erniekit"], "Format of each evaluation source.", choices=DATASET_TYPES)
    eval_dataset_path: List[str] = opt([], "Evaluation JSONL/JSON files, comma-separated.")
    eval_dataset_prob: List[float] = opt([], "Mixing weights of the evaluation sources (accepted for ERNIEKit compatibility; evaluation reads every source whole).", minimum=0)
    max_seq_len: int = opt(16384, "Maximum tokens per packed row (and per sample).", minimum=1)
    num_samples_each_epoch: int = opt(0, "With several training sources: samples drawn by train_dataset_prob per epoch (0 = the sum of the source sizes). One source: an epoch is one pass.", minimum=0)
    use_pic_id: bool = opt(False, "ERNIEKit: insert 'Picture N:' before each image. Accepted; PaddleOCR-VL's template has no picture ids.")
    sft_replace_ids: bool = opt(True, "ERNIEKit: replace special ids in SFT text. Accepted for compatibility.")
    sft_image_normalize: bool = opt(True, "Normalise pixels with the preprocessor's mean/std.")
    sft_image_rescale: bool = opt(True, "Rescale pixels by the preprocessor's rescale_factor (1/255).")
    image_dtype: str = opt("float32", "Dtype of image tensors fed to the vision encoder.", choices=("float32", "bfloat16", "float16"))
    on_bad_sample: str = opt("skip", "What training does with an invalid record: 'error' stops at the first one; 'skip' counts it, lists the first 10, and stops when they exceed max_bad_sample_ratio.", choices=("error", "skip"))
    max_bad_sample_ratio: float = opt(0.01, "Largest tolerated fraction of skipped (invalid) samples before the run stops.", minimum=0)
    allow_remote_images: bool = opt(False, "Allow http(s) image URLs in the data. Off by default: nothing is downloaded unless you ask.")
    max_image_pixels: int = opt(89478485, "Refuse images with more pixels than this (decompression-bomb guard; PIL's default limit).", minimum=1)
    processor: ProcessorConfig = opt(ProcessorConfig(), "Image processor overrides (processor.min_pixels, processor.max_pixels).")

    # --- model ------------------------------------------------------------------------
    model_name_or_path: str = opt("", "Local model directory (config.json + safetensors). Nothing is downloaded.")
    fine_tuning: str = opt("Full", "Full fine-tuning or LoRA adapters.", choices=("Full", "LoRA"))
    multimodal: bool = opt(True, "ERNIEKit: the model takes images. Must be true for PaddleOCR-VL.")
    use_flash_attention: bool = opt(True, "Use flash/flashmask attention on GPU; CPU always uses the dense masked path.")
    use_sparse_flash_attn: bool = opt(True, "Use flashmask (sparse mask) attention for packed rows on GPU.")
    from_scratch: bool = opt(False, "Randomly initialise the weights from model_name_or_path/config.json instead of loading them.")

    # --- run --------------------------------------------------------------------------
    stage: str = opt("OCR-VL-SFT", "What to train.", choices=STAGES)
    seed: int = opt(42, "Random seed for data order, initialisation and dropout.")
    do_train: bool = opt(True, "Run training.")
    do_eval: bool = opt(False, "Run evaluation on eval_dataset_path.")
    distributed_dataloader: bool = opt(False, "ERNIEKit: read data on one rank and broadcast. Accepted; every rank reads its own shard.")
    dataloader_num_workers: int = opt(1, "Worker processes preparing samples.", minimum=0)
    prefetch_factor: int = opt(2, "Batches prepared ahead per worker.", minimum=1)
    batch_size: int = opt(1, "Samples per micro-batch without packing; packed rows per micro-batch with packing.", minimum=1)
    eval_batch_size: int = opt(1, "Samples per evaluation batch.", minimum=1)
    packing_size: int = opt(8, "With packing: at most this many samples per row (0 = fill each row up to max_seq_len tokens).", minimum=0)
    packing: bool = opt(True, "Pack several samples into one row, each attending only to itself.")
    padding: bool = opt(False, "ERNIEKit: pad rows to max_seq_len. Rows are padded only to the longest row of a micro-batch.")
    num_train_epochs: float = opt(1.0, "Epochs to train when max_steps is -1.", minimum=0)
    max_steps: int = opt(-1, "Optimizer steps to train (-1 = use num_train_epochs).")
    eval_steps: int = opt(100, "Evaluate every N steps when evaluation_strategy is 'steps'.", minimum=1)
    eval_iters: int = opt(-1, "ERNIEKit: evaluation batches per evaluation (-1 = the whole eval set).")
    evaluation_strategy: str = opt("no", "When to evaluate.", choices=("no", "steps", "epoch"))
    save_steps: int = opt(500, "Save a checkpoint every N steps when save_strategy is 'steps'.", minimum=1)
    save_total_limit: int = opt(-1, "Keep at most N checkpoints (-1 = all); the best one is never deleted.")
    save_strategy: str = opt("steps", "When to save checkpoints.", choices=("no", "steps", "epoch"))
    logging_steps: int = opt(1, "Log every N optimizer steps.", minimum=1)
    release_grads: bool = opt(False, "ERNIEKit: free gradient memory after each step. Accepted; Paddle's optimizer clear_grad(set_to_zero=False) does this.")
    gradient_accumulation_steps: int = opt(1, "Micro-batches per optimizer step.", minimum=1)
    logging_dir: str = opt("", "VisualDL log directory (default: OUTPUT_DIR/vdl_log).")
    output_dir: str = opt("./output", "Where checkpoints and the final model go.")
    disable_tqdm: bool = opt(False, "Hide the progress bar.")

    # --- optimisation -----------------------------------------------------------------
    warmup_steps: int = opt(0, "Linear warm-up steps.", minimum=0)
    learning_rate: float = opt(1.0e-5, "Peak learning rate.", minimum=0)
    lr_scheduler_type: str = opt("cosine", "Learning-rate schedule after warm-up.", choices=("linear", "cosine", "constant"))
    min_lr: float = opt(0.0, "Final learning rate of the linear/cosine schedule.", minimum=0)
    layerwise_lr_decay_bound: float = opt(1.0, "Learning-rate multiplier of the lowest layer (1.0 = no layer-wise decay).", minimum=0)
    weight_decay: float = opt(0.0, "AdamW weight decay (not applied to norms, biases and embeddings).", minimum=0)
    adam_epsilon: float = opt(1.0e-8, "AdamW epsilon.", minimum=0)
    adam_beta1: float = opt(0.9, "AdamW beta1.", minimum=0)
    adam_beta2: float = opt(0.999, "AdamW beta2.", minimum=0)

    # --- performance ------------------------------------------------------------------
    tensor_parallel_degree: int = opt(1, "Tensor parallelism. Not supported: only 1 (use data parallelism via paddle.distributed.launch).", single_device=1)
    pipeline_parallel_degree: int = opt(1, "Pipeline parallelism. Not supported: only 1.", single_device=1)
    sharding_parallel_degree: int = opt(1, "Sharded data parallelism. Not supported: only 1.", single_device=1)
    sharding: str = opt("", "ERNIEKit sharding stage; has no effect with sharding_parallel_degree 1.", choices=("", "stage1", "stage2", "stage3"))
    sequence_parallel: bool = opt(False, "Sequence parallelism. Not supported: only false.", single_device=False)
    pipeline_parallel_config: str = opt("", "ERNIEKit pipeline options; has no effect with pipeline_parallel_degree 1.")
    recompute: bool = opt(False, "Recompute activations per layer in the backward pass (less memory, more compute).")
    recompute_granularity: str = opt("full", "What recompute covers.", choices=("full", "full_attn", "core_attn"))
    recompute_use_reentrant: bool = opt(False, "Use Paddle's re-entrant recompute implementation.")
    compute_type: str = opt("bf16", "Mixed precision: bf16, fp16 or fp32 (CPU falls back to fp32 for bf16, with a warning).", choices=("bf16", "fp16", "fp32"))
    fp16_opt_level: str = opt("O2", "AMP level: O1 (casts per op) or O2 (half weights, fp32 master weights).", choices=("O1", "O2"))
    amp_master_grad: bool = opt(False, "Keep gradients in fp32 under AMP O2.")
    disable_ckpt_quant: bool = opt(False, "ERNIEKit: do not quantise optimizer states in checkpoints. Accepted; checkpoints are never quantised.")
    amp_custom_white_list: List[str] = opt([], "Extra ops run in half precision under AMP.")
    amp_custom_black_list: List[str] = opt([], "Extra ops kept in fp32 under AMP.")
    unified_checkpoint: bool = opt(True, "ERNIEKit: save one merged checkpoint. Accepted; checkpoints are always single-directory safetensors.")
    unified_checkpoint_config: str = opt("", "ERNIEKit unified-checkpoint options. Accepted; no effect.")
    convert_from_hf: bool = opt(True, "ERNIEKit: read Hugging Face-layout weights. Accepted; weights are always read in that layout.")
    save_to_hf: bool = opt(True, "ERNIEKit: write Hugging Face-layout weights. Accepted; the output is always in that layout (what paddleocr loads).")


CONFIG_SECTIONS = {"processor": ProcessorConfig}


# ---------------------------------------------------------------------------------------
# Loading files


class _LineDict(dict):
    """A dict that remembers the 1-based line of each key in its YAML file."""

    lines: Dict[str, int]


def _make_yaml_loader(path: str):
    class Loader(yaml.SafeLoader):
        pass

    def construct_map(loader, node):
        loader.flatten_mapping(node)
        out = _LineDict()
        out.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise UserError(f"{path}:{line}: {key!r}: config keys must be strings")
            if key in out:
                raise UserError(f"{path}:{line}: {key}: duplicate key (first given at line {out.lines[key]}); keep one")
            out[key] = loader.construct_object(value_node, deep=True)
            out.lines[key] = line
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_map)
    return Loader


def load_config_file(path: str) -> Dict[str, Any]:
    """Read a YAML or JSON config file into a mapping (key lines kept for messages)."""
    if not os.path.isfile(path):
        raise UserError(f"{path}: config file not found")
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not valid UTF-8 (byte {e.start}); save the config as UTF-8") from None
    if path.endswith(".json"):
        def no_dupes(pairs):
            seen = {}
            for k, v in pairs:
                if k in seen:
                    raise UserError(f"{path}: {k}: duplicate key; keep one")
                seen[k] = v
            return seen
        try:
            data = json.loads(text, object_pairs_hook=no_dupes)
        except json.JSONDecodeError as e:
            raise UserError(f"{path}:{e.lineno}: invalid JSON: {e.msg} (column {e.colno})") from None
    else:
        try:
            data = yaml.load(text, Loader=_make_yaml_loader(path))  # noqa: S506 - SafeLoader subclass
        except yaml.MarkedYAMLError as e:
            line = e.problem_mark.line + 1 if e.problem_mark else "?"
            raise UserError(f"{path}:{line}: invalid YAML: {e.problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: a config must be a mapping of key: value, got {type(data).__name__}")
    return data


# ---------------------------------------------------------------------------------------
# Type coercion


def _type_name(tp) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _type_name(args[0]) + " or null"
    if origin in (list, List):
        plural = {bool: "booleans", int: "integers", float: "numbers", str: "strings"}[typing.get_args(tp)[0]]
        return f"a list of {plural} (or a comma-separated string)"
    return {bool: "true/false", int: "an integer", float: "a number", str: "a string"}.get(tp, getattr(tp, "__name__", str(tp)))


def _show(value: Any) -> str:
    """A value as the user would write it: strings quoted, true/false/null in YAML spelling."""
    if isinstance(value, (str, bool)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


class _BadValue(Exception):
    pass


def _coerce(value: Any, tp) -> Any:
    """Convert a YAML/override value to ``tp`` or raise _BadValue(explanation)."""
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null", "")):
            return None
        return _coerce(value, args[0])
    if origin in (list, List):
        (item_tp,) = typing.get_args(tp)
        if value is None:
            return []
        if isinstance(value, str):
            items = [s.strip() for s in value.split(",")] if value.strip() else []
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            items = [value]
        return [_coerce(v, item_tp) for v in items]
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):  # ERNIEKit writes from_scratch: 0
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.strip().lower() in ("true", "yes", "1")
        raise _BadValue
    if tp is int:
        if isinstance(value, bool):
            raise _BadValue
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                f = float(value)
            except ValueError:
                raise _BadValue from None
            if f.is_integer():
                return int(f)
        raise _BadValue
    if tp is float:
        if isinstance(value, bool):
            raise _BadValue
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):  # PyYAML reads 1e-3 (no dot) as a string
            try:
                return float(value)
            except ValueError:
                raise _BadValue from None
        raise _BadValue
    if tp is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise _BadValue
    raise TypeError(f"unsupported config type {tp}")


# ---------------------------------------------------------------------------------------
# Building the dataclass


def _where(origin: str, lines: Dict[str, int], key: str) -> str:
    if origin.startswith("command line"):
        return origin
    line = lines.get(key)
    return f"{origin}:{line}" if line else origin


def _build(cls, data: Dict[str, Any], origin: str, prefix: str, errors: List[str],
           key_origin: Dict[str, str]):
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    lines = getattr(data, "lines", {})
    kwargs = {}
    for key, value in data.items():
        full = prefix + key
        where = key_origin.get(full) or _where(origin, lines, key)
        if key not in fields:
            hint = suggestion(key, fields).replace('"', '"' + prefix, 1) if prefix else suggestion(key, fields)
            errors.append(f"{where}: {full}: unknown key{hint}; "
                          f"`erniekit-doc config keys` lists the accepted keys")
            continue
        tp = hints[key]
        if dataclasses.is_dataclass(tp):
            if value is None:
                value = {}
            if not isinstance(value, dict):
                errors.append(f"{where}: {full}: expected a mapping of {', '.join(f.name for f in dataclasses.fields(tp))}, got {_show(value)}")
                continue
            kwargs[key] = _build(tp, value, origin, full + ".", errors, key_origin)
            continue
        try:
            converted = _coerce(value, tp)
        except _BadValue:
            errors.append(f"{where}: {full}: expected {_type_name(tp)}, got {_show(value)}")
            continue
        meta = fields[key].metadata
        bad = _check_value(full, converted, meta)
        if bad:
            errors.append(f"{where}: {bad}")
            continue
        kwargs[key] = converted
    return cls(**kwargs)


def _check_value(name: str, value: Any, meta) -> Optional[str]:
    choices = meta.get("choices")
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v is None:
            continue
        if choices:
            match = next((c for c in choices if isinstance(v, str) and c.lower() == v.lower()), None)
            if match is None:
                allowed = ", ".join(f'"{c}"' for c in choices if c)
                return f"{name}: must be one of {allowed}, got {_show(v)}{suggestion(str(v), [c for c in choices if c])}"
        minimum = meta.get("minimum")
        if minimum is not None and isinstance(v, (int, float)) and v < minimum:
            return f"{name}: must be >= {minimum:g}, got {v:g}"
    if "single_device" in meta and value != meta["single_device"]:
        return (f"{name}: not supported: {_show(value)}; erniekit-doc trains on one device or with "
                f"data parallelism (paddle.distributed.launch), so only {_show(meta['single_device'])} is accepted")
    return None


def _canonical_choices(cfg) -> None:
    """Map case variants of choice values ('lora' -> 'LoRA') to their canonical spelling."""
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            _canonical_choices(value)
            continue
        choices = f.metadata.get("choices")
        if not choices:
            continue
        canon = lambda v: next((c for c in choices if isinstance(v, str) and c.lower() == v.lower()), v)  # noqa: E731
        setattr(cfg, f.name, [canon(v) for v in value] if isinstance(value, list) else canon(value))


def parse_override(arg: str) -> Tuple[List[str], Any]:
    """'a.b=1' -> (['a', 'b'], 1). The value is read as a YAML scalar/flow value."""
    if "=" not in arg:
        raise UserError(f"command line: {arg!r}: overrides must look like key=value (for example learning_rate=1e-4)")
    key, _, raw = arg.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise UserError(f"command line: {arg!r}: empty key in override")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return key.split("."), value


def apply_overrides(data: Dict[str, Any], overrides: Sequence[str], key_origin: Dict[str, str]) -> Dict[str, Any]:
    lines = dict(getattr(data, "lines", {}))
    data = _LineDict(data)
    data.lines = lines
    for arg in overrides:
        path, value = parse_override(arg)
        node = data
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = value
        key_origin[".".join(path)] = f"command line: {arg}"
    return data


def load_config(path: Optional[str], overrides: Sequence[str] = ()) -> TrainConfig:
    """Config file (optional) + overrides -> validated TrainConfig, or UserError listing every problem."""
    origin = path or "command line"
    raw = load_config_file(path) if path else {}
    key_origin: Dict[str, str] = {}
    data = apply_overrides(raw, overrides, key_origin)
    errors: List[str] = []
    cfg = _build(TrainConfig, data, origin, "", errors, key_origin)
    if not errors:
        _canonical_choices(cfg)
        errors.extend(_cross_checks(cfg))
    if errors:
        head = f"{len(errors)} problem(s) in the config:" if len(errors) > 1 else ""
        raise UserError("\n".join(([head] if head else []) + errors))
    return cfg


def _cross_checks(cfg: TrainConfig) -> List[str]:
    errors = []
    for split in ("train", "eval"):
        paths = getattr(cfg, f"{split}_dataset_path")
        types = getattr(cfg, f"{split}_dataset_type")
        probs = getattr(cfg, f"{split}_dataset_prob")
        if len(types) not in (1, len(paths)) and paths:
            errors.append(f"{split}_dataset_type: {len(types)} types for {len(paths)} paths; give one type, or one per path")
        if probs and len(probs) != len(paths):
            errors.append(f"{split}_dataset_prob: {len(probs)} probabilities for {len(paths)} paths; give one per path (or none for equal weights)")
        for i, p in enumerate(probs):
            if p <= 0:
                errors.append(f"{split}_dataset_prob: entry {i + 1} is {p:g}; a source with weight 0 is never read, remove it from {split}_dataset_path instead")
    if cfg.processor.min_pixels and cfg.processor.max_pixels and cfg.processor.min_pixels > cfg.processor.max_pixels:
        errors.append(f"processor: min_pixels ({cfg.processor.min_pixels}) is larger than max_pixels ({cfg.processor.max_pixels})")
    if cfg.max_bad_sample_ratio > 1:
        errors.append(f"max_bad_sample_ratio: a fraction between 0 and 1, got {cfg.max_bad_sample_ratio:g}")
    if cfg.max_steps == 0 or cfg.max_steps < -1:
        errors.append(f"max_steps: a positive number of steps, or -1 to use num_train_epochs; got {cfg.max_steps}")
    return errors


# ---------------------------------------------------------------------------------------
# Showing


def config_to_dict(cfg) -> Dict[str, Any]:
    return dataclasses.asdict(cfg)


def dump_yaml(cfg) -> str:
    return yaml.safe_dump(config_to_dict(cfg), sort_keys=False, allow_unicode=True, default_flow_style=False)


def describe_keys(cls=TrainConfig, prefix: str = "") -> List[Tuple[str, str, str, str]]:
    """(key, type, default, help) for every key, nested sections flattened with dots."""
    rows = []
    hints = typing.get_type_hints(cls)
    defaults = cls()
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            rows.extend(describe_keys(tp, prefix + f.name + "."))
            continue
        default = getattr(defaults, f.name)
        shown = ",".join(map(str, default)) if isinstance(default, list) else default
        help_text = f.metadata["help"]
        if f.metadata.get("choices"):
            help_text += " One of: " + ", ".join(c for c in f.metadata["choices"] if c) + "."
        rows.append((prefix + f.name, _type_name(tp), json.dumps(shown) if isinstance(shown, str) else str(shown), help_text))
    return rows
