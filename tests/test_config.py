import json
import os

import pytest
import yaml

from conftest import HERE
from erniekit_doc.cli import main
from erniekit_doc.config import TrainConfig, describe_keys, dump_yaml, load_config
from erniekit_doc.errors import UserError

ERNIEKIT_YAML = os.path.join(HERE, "fixtures", "erniekit_run_ocr_vl_sft_16k.yaml")


def _err(path, overrides=()):
    with pytest.raises(UserError) as e:
        load_config(path, overrides)
    return str(e.value)


def test_erniekit_published_config_is_accepted_as_is():
    cfg = load_config(ERNIEKIT_YAML, ["model_name_or_path=/models/PaddleOCR-VL"])
    assert cfg.stage == "OCR-VL-SFT"
    assert cfg.train_dataset_path == ["./examples/data/ocr_vl_sft-train_Bengali.jsonl"]
    assert cfg.train_dataset_prob == [1.0]  # ERNIEKit writes probabilities as a quoted string
    assert cfg.max_steps == 926 and cfg.gradient_accumulation_steps == 8 and cfg.packing_size == 8
    assert cfg.learning_rate == pytest.approx(5e-6) and cfg.min_lr == pytest.approx(5e-7)
    assert cfg.from_scratch is False  # ERNIEKit writes from_scratch: 0
    assert cfg.amp_custom_black_list[-2:] == ["sin", "cos"]
    assert cfg.sharding == "stage1" and cfg.compute_type == "bf16" and cfg.fp16_opt_level == "O2"
    assert cfg.model_name_or_path == "/models/PaddleOCR-VL"


def test_overrides_nested_keys_and_comma_lists():
    cfg = load_config(ERNIEKIT_YAML, ["learning_rate=1e-4", "max_steps=10", "processor.max_pixels=1000000",
                                      "train_dataset_path=a.jsonl,b.jsonl", "train_dataset_prob=0.8,0.2",
                                      "fine_tuning=lora", "packing=false"])
    assert cfg.learning_rate == pytest.approx(1e-4)  # "1e-4" is a string to YAML 1.1; still a number here
    assert cfg.max_steps == 10 and cfg.processor.max_pixels == 1_000_000
    assert cfg.train_dataset_path == ["a.jsonl", "b.jsonl"] and cfg.train_dataset_prob == [0.8, 0.2]
    assert cfg.fine_tuning == "LoRA" and cfg.packing is False  # choices are case-insensitive, stored canonically


def test_unknown_keys_with_did_you_mean_and_line_numbers(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("learning_rate: 1.0e-5\nlearing_rate: 2.0e-5\nprocessor:\n  max_pixel: 5\n")
    msg = _err(str(p), ["gradient_acumulation_steps=2"])
    assert f'{p}:2: learing_rate: unknown key (did you mean "learning_rate"?)' in msg
    assert f'{p}:4: processor.max_pixel: unknown key (did you mean "processor.max_pixels"?)' in msg
    assert ('command line: gradient_acumulation_steps=2: gradient_acumulation_steps: unknown key '
            '(did you mean "gradient_accumulation_steps"?)') in msg
    assert msg.startswith("3 problem(s) in the config:")


@pytest.mark.parametrize("override,expected", [
    ("max_steps=abc", 'max_steps: expected an integer, got "abc"'),
    ("max_steps=1.5", "max_steps: expected an integer, got 1.5"),
    ("learning_rate=fast", 'learning_rate: expected a number, got "fast"'),
    ("packing=maybe", 'packing: expected true/false, got "maybe"'),
    ("batch_size=0", "batch_size: must be >= 1, got 0"),
    ("train_dataset_prob=0.5,x", 'train_dataset_prob: expected a list of numbers (or a comma-separated string), got "0.5,x"'),
    ("compute_type=bf32", 'compute_type: must be one of "bf16", "fp16", "fp32", got "bf32"'),
    ("lr_scheduler_type=cosin", 'lr_scheduler_type: must be one of "linear", "cosine", "constant", got "cosin" (did you mean "cosine"?)'),
    ("processor=5", "processor: expected a mapping of min_pixels, max_pixels, got 5"),
    ("tensor_parallel_degree=2", "tensor_parallel_degree: not supported: 2; erniekit-doc trains on one device or with "
                                 "data parallelism (paddle.distributed.launch), so only 1 is accepted"),
    ("sequence_parallel=true", "sequence_parallel: not supported: true;"),
    ("train_dataset_prob=1,0", "train_dataset_prob: 2 probabilities for 1 paths"),
    ("max_steps=0", "max_steps: a positive number of steps, or -1 to use num_train_epochs; got 0"),
])
def test_type_errors_name_the_key(override, expected):
    msg = _err(ERNIEKIT_YAML, [override])
    assert f"command line: {override}: {expected}" in msg or expected in msg


def test_duplicate_keys_in_yaml_are_errors(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("max_steps: 10\nseed: 1\nmax_steps: 20\n")
    assert _err(str(p)) == f"{p}:3: max_steps: duplicate key (first given at line 1); keep one"


def test_yaml_is_loaded_safely(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("seed: !!python/object/apply:os.system ['echo pwned']\n")
    assert "invalid YAML" in _err(str(p)) or "could not determine a constructor" in _err(str(p))


def test_json_config_and_roundtrip_through_show(tmp_path, capsys):
    p = tmp_path / "c.json"
    p.write_text(json.dumps({"max_steps": 7, "train_dataset_path": "x.jsonl", "processor": {"min_pixels": 100}}))
    cfg = load_config(str(p))
    assert cfg.max_steps == 7 and cfg.train_dataset_path == ["x.jsonl"] and cfg.processor.min_pixels == 100
    shown = tmp_path / "shown.yaml"
    shown.write_text(dump_yaml(cfg))
    assert load_config(str(shown)) == cfg
    assert main(["config", "show", str(p), "seed=5"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["seed"] == 5


def test_config_show_cli_errors_exit_1_without_traceback(capsys):
    assert main(["config", "show", ERNIEKIT_YAML, "learing_rate=1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: command line: learing_rate=1: learing_rate: unknown key") and "Traceback" not in err


def test_debug_shows_traceback(capsys):
    assert main(["--debug", "config", "show", ERNIEKIT_YAML, "learing_rate=1"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main(["config", "show", ERNIEKIT_YAML, "--bogus"]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["config", "show", ERNIEKIT_YAML, "not-an-override"]) == 1
    assert "overrides must look like key=value" in capsys.readouterr().err


def test_version_and_help(capsys):
    from erniekit_doc import __version__
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"erniekit-doc {__version__}"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in ("train", "config", "data"):
        assert cmd in out


def test_every_key_is_documented():
    rows = describe_keys()
    assert len(rows) == len({r[0] for r in rows})
    assert all(r[3] for r in rows)
    keys = {r[0] for r in rows}
    assert {"train_dataset_path", "packing_size", "processor.max_pixels", "on_bad_sample"} <= keys
    with open(os.path.join(os.path.dirname(HERE), "docs", "CONFIG.md"), encoding="utf-8") as f:
        doc = f.read()
    missing = [k for k in keys if f"`{k}`" not in doc]
    assert not missing, f"docs/CONFIG.md is out of date (regenerate with `erniekit-doc config keys --markdown`): {missing}"


def test_defaults_are_valid():
    assert load_config(None, []) == TrainConfig()
