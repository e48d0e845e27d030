"""Streaming readers, random access, mixing by probability, and the bad-sample policy."""

import json
import os
from collections import Counter

import pytest

from conftest import REPO
from erniekit_doc.cli import main
from erniekit_doc.config import load_config
from erniekit_doc.data.dataset import RecordStream, validate_training_inputs
from erniekit_doc.data.records import RecordError, RecordOptions, validate_record
from erniekit_doc.data.sources import BadSampleGuard, DataSource, MixedSource, iter_file
from erniekit_doc.errors import UserError

EXAMPLES = os.path.join(REPO, "examples", "data")


def good(text, image=None):
    r = {"text_info": [{"text": "OCR:", "tag": "mask"}, {"text": text, "tag": "no_mask"}]}
    if image:
        r["image_info"] = [{"image_url": image, "matched_text_index": 0}]
    return json.dumps(r)


def write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines))
    return str(path)


def test_turns_group_consecutive_tags_and_attach_images():
    obj = {"image_info": [{"image_url": "a.png", "matched_text_index": 1}, {"image_url": "b.png", "matched_text_index": 4}],
           "text_info": [{"text": "sys ", "tag": "mask"}, {"text": "OCR:", "tag": "mask"}, {"text": "A", "tag": "no_mask"},
                         {"text": "B", "tag": "no_mask"}, {"text": "Q2", "tag": "mask"}, {"text": "C", "tag": "no_mask"}]}
    rec, problems = validate_record(obj, "f.jsonl", 1, RecordOptions(check_images="none"))
    assert problems == []
    turns = rec.turns()
    assert [(t.prompt_text, t.answer_text, [i.url for i in t.images]) for t in turns] == [
        ("sys OCR:", "AB", ["a.png"]), ("Q2", "C", ["b.png"])]


def test_text_only_record_is_valid():
    rec, problems = validate_record(json.loads(good("x")), "f.jsonl", 1, RecordOptions())
    assert problems == [] and rec.image_info == []


def test_query_response_shape_is_converted():
    obj = {"system": "You read documents.", "history": [["<image>OCR:", "Total 5"]],
           "query": "And the <image>date?", "response": "2025-01-02", "images": ["p1.png", "p2.png"]}
    rec, problems = validate_record(obj, "f.jsonl", 3, RecordOptions(check_images="none"))
    assert problems == []
    assert [(t.tag, t.text) for t in rec.text_info] == [
        ("mask", "You read documents.\nOCR:"), ("no_mask", "Total 5"), ("mask", "And the date?"), ("no_mask", "2025-01-02")]
    assert [(i.url, i.matched_text_index) for i in rec.image_info] == [("p1.png", 0), ("p2.png", 2)]


def test_query_response_without_tags_puts_images_on_first_query():
    rec, problems = validate_record({"query": "OCR:", "response": "x", "images": ["a.png", "b.png"]}, "f", 1,
                                    RecordOptions(check_images="none"))
    assert problems == [] and [i.matched_text_index for i in rec.image_info] == [0, 0]


def test_json_array_file_streams_with_line_numbers(tmp_path):
    recs = [json.loads(good(f"t{i}")) for i in range(3)]
    p = tmp_path / "demo.jsonl"  # ERNIEKit's demo files are arrays even when named .jsonl
    p.write_text(json.dumps(recs, indent=2))
    items = list(iter_file(str(p)))
    assert [obj["text_info"][1]["text"] for _, obj in items] == ["t0", "t1", "t2"]
    lines = [line for line, _ in items]
    text = p.read_text().splitlines()
    assert all(text[line - 1].strip() == "{" for line in lines)
    src = DataSource(str(p), RecordOptions(check_images="none"))
    assert len(src) == 3 and src.read(2)[0].text_info[1].text == "t2" and src.read(2)[0].line == lines[2]


def test_json_array_streams_across_small_chunks(tmp_path):
    from erniekit_doc.data.sources import _iter_json_array
    recs = [json.loads(good("x" * (i * 37 % 101))) for i in range(50)]
    p = tmp_path / "a.json"
    p.write_text(json.dumps(recs, indent=1))
    got = [obj for _, obj in _iter_json_array(str(p), chunk_chars=64)]
    assert got == recs


def test_one_line_json_array_file(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([json.loads(good("a")), json.loads(good("b"))]))
    assert len(DataSource(str(p))) == 2


def test_datasource_random_access_skips_blank_lines(tmp_path):
    p = write_lines(tmp_path / "d.jsonl", [good("a"), "", good("b"), "   ", good("c")])
    src = DataSource(p, RecordOptions(check_images="none"))
    assert len(src) == 3
    assert [src.read(i)[0].text_info[1].text for i in (2, 0, 1)] == ["c", "a", "b"]
    assert [src.line_of(i) for i in range(3)] == [1, 3, 5]


def test_mixed_source_is_reproducible_and_follows_probabilities():
    draws = lambda seed: [x for _, x in zip(range(3000), MixedSource([100, 50], [0.8, 0.2], seed))]  # noqa: E731
    a, b = draws(1), draws(1)
    assert a == b and a != draws(2)
    share = Counter(s for s, _ in a)[0] / len(a)
    assert 0.77 < share < 0.83
    # each source is read completely before any record repeats
    first_pass = [i for s, i in a if s == 1][:50]
    assert sorted(first_pass) == list(range(50))


def test_mixed_source_resumes_exactly():
    full = MixedSource([7, 5], [0.5, 0.5], seed=3)
    it = iter(full)
    head = [next(it) for _ in range(20)]
    state = full.state_dict()
    tail = [next(it) for _ in range(30)]
    resumed = MixedSource([7, 5], [0.5, 0.5], seed=3)
    resumed.load_state_dict(json.loads(json.dumps(state)))
    it2 = iter(resumed)
    assert [next(it2) for _ in range(30)] == tail and head


def test_guard_error_policy_stops_at_first_bad():
    g = BadSampleGuard("error", 0.01)
    with pytest.raises(RecordError):
        from erniekit_doc.data.records import Problem
        g.bad_sample([Problem("d.jsonl", 4, "text_info", "bad")])


def test_guard_skip_policy_counts_lists_and_stops_over_ratio():
    from erniekit_doc.data.records import Problem
    g = BadSampleGuard("skip", 0.05, min_seen=100)
    for i in range(200):
        if i % 40 == 0:
            g.bad_sample([Problem("d.jsonl", i + 1, "text_info", "bad")])
        else:
            g.ok()
    g.finish()  # 5 of 200 = 2.5% <= 5%
    assert g.summary()["skipped"] == 5 and g.summary()["first_skipped"][0] == "d.jsonl:1: text_info: bad"
    g2 = BadSampleGuard("skip", 0.05, min_seen=100, keep=10)
    with pytest.raises(UserError, match=r"13 of 100 samples \(13.0%\) are invalid, more than max_bad_sample_ratio 0.05"):
        for i in range(100):
            g2.bad_sample([Problem("d.jsonl", i + 1, None, "bad")]) if i % 8 == 0 else g2.ok()
        g2.finish()
    assert len(g2.first) == 10


def _cfg(tmp_path, lines, *overrides):
    data = write_lines(tmp_path / "train.jsonl", lines)
    model = tmp_path / "model"
    model.mkdir(exist_ok=True)
    (model / "config.json").write_text("{}")
    return load_config(None, [f"train_dataset_path={data}", f"model_name_or_path={model}", *overrides])


def test_record_stream_skips_and_logs_invalid_samples(tmp_path):
    lines = [good(f"t{i}") for i in range(99)] + ['{"text_info": [{"text": "OCR:", "tag": "nomask"}]}']
    cfg = _cfg(tmp_path, lines)
    logs = []
    stream = RecordStream(cfg, log=logs.append)
    got = [r.text_info[1].text for _, r in zip(range(198), stream)]
    assert sorted(set(got)) == sorted(f"t{i}" for i in range(99))
    # the bad record is counted and listed once, although it is met again in the second pass
    assert stream.guard.bad == 1 and stream.guard.seen == 100
    assert logs[0].startswith("skipped invalid sample (1): ") and ':100: text_info[0].tag: must be "mask" or "no_mask"' in logs[0]


def test_record_stream_checks_ratio_after_a_full_pass_of_small_data(tmp_path):
    cfg = _cfg(tmp_path, [good("x")] * 10 + ['{"text_info": 1}'] * 2)
    with pytest.raises(UserError, match=r"2 of 12 samples \(16.7%\) are invalid"):
        list(zip(range(30), RecordStream(cfg, log=lambda s: None)))


def test_record_stream_error_policy(tmp_path):
    cfg = _cfg(tmp_path, ['{"text_info": 1}'] + [good("x")] * 5, "on_bad_sample=error")
    with pytest.raises(RecordError, match="text_info: expected a list"):
        list(zip(range(10), RecordStream(cfg)))


def test_record_stream_all_invalid_stops(tmp_path):
    cfg = _cfg(tmp_path, ['{"text_info": 1}'] * 3, "max_bad_sample_ratio=1")
    with pytest.raises(UserError, match="no valid training records"):
        list(zip(range(10), RecordStream(cfg)))


def test_train_dry_run_validates_everything(tmp_path, capsys):
    lines = [good(f"t{i}") for i in range(200)] + ['{"text_info": 1}']
    cfg = _cfg(tmp_path, lines)
    report = validate_training_inputs(cfg, log=lambda s: None)
    assert report["records"] == 200 and report["skipped"] == 1
    conf = tmp_path / "c.yaml"
    conf.write_text(f"train_dataset_path: {cfg.train_dataset_path[0]}\nmodel_name_or_path: {cfg.model_name_or_path}\n")
    assert main(["train", str(conf), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "200 valid records, 1 invalid will be skipped (0.50%, max_bad_sample_ratio 0.01):" in out
    assert "dry run: config, model directory and 200 training records are valid; nothing trained" in out
    # without --dry-run: honest about what is not there yet
    assert main(["train", str(conf)]) == 1
    assert "training loop is not part of this version yet" in capsys.readouterr().err


def test_train_refuses_hub_ids_and_missing_dirs(tmp_path, capsys):
    conf = tmp_path / "c.yaml"
    conf.write_text("model_name_or_path: PaddlePaddle/PaddleOCR-VL\ntrain_dataset_path: x.jsonl\n")
    assert main(["train", str(conf), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "'PaddlePaddle/PaddleOCR-VL' is not a local directory" in err and "never downloads weights" in err


def test_train_too_many_bad_samples(tmp_path, capsys):
    cfg = _cfg(tmp_path, [good("x")] * 10 + ['{"text_info": 1}'] * 2)
    conf = tmp_path / "c.yaml"
    conf.write_text(f"train_dataset_path: {cfg.train_dataset_path[0]}\nmodel_name_or_path: {cfg.model_name_or_path}\n")
    assert main(["train", str(conf), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "2 of 12 samples (16.7%) are invalid, more than max_bad_sample_ratio 0.01" in err


def test_shipped_examples_are_valid_and_stats_work(tmp_path, capsys):
    files = [os.path.join(EXAMPLES, f) for f in ("ocr_lines.jsonl", "ocr_lines_array.json", "query_response.jsonl")]
    assert main(["data", "check", *files]) == 0
    png = tmp_path / "h.png"
    assert main(["data", "stats", "--json", "--histogram", str(png), *files]) == 0
    stats = json.loads(capsys.readouterr().out.split("OK:")[-1].split("\n", 1)[1])
    assert stats["records"] == 14 + 4 + 5 and stats["text_only_records"] == 1
    assert stats["turns"] == (12 + 2 + 1) + 4 + (4 + 2)  # one two-turn record in each multi-turn file
    assert stats["images"] == stats["records"] - 1
    assert stats["tasks"]["OCR:"] == 13 + 4 + 5
    assert stats["image_height"]["min"] >= 30 and png.stat().st_size > 1000


def test_data_check_missing_file_and_directory(tmp_path, capsys):
    missing = tmp_path / "nope.jsonl"
    assert main(["data", "check", str(missing), str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{missing}: data file not found" in out
    assert f"{tmp_path}: is a directory; give the JSONL file inside it" in out
    assert f"{missing}: unreadable" in out


def test_epoch_size_follows_num_samples_each_epoch_with_several_sources(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", [good("a")] * 3)
    b = write_lines(tmp_path / "b.jsonl", [good("b")] * 5)
    model = tmp_path / "m"
    model.mkdir()
    base = [f"train_dataset_path={a},{b}", f"model_name_or_path={model}"]
    assert RecordStream(load_config(None, base)).epoch_size == 8
    assert RecordStream(load_config(None, base + ["num_samples_each_epoch=100"])).epoch_size == 100
    one = [f"train_dataset_path={a}", f"model_name_or_path={model}", "num_samples_each_epoch=100"]
    assert RecordStream(load_config(None, one)).epoch_size == 3
