"""The malformed-input corpus (tests/bad_cases.py): every case yields exactly its messages,
through `data check`'s scanner and through the training-side DataSource reader."""

import re

import pytest

from bad_cases import CASES, make_images, ok_png_base64
from erniekit_doc.cli import main
from erniekit_doc.data.check import check_files
from erniekit_doc.data.records import RecordError, RecordOptions
from erniekit_doc.data.sources import DataSource


@pytest.fixture
def case_dir(tmp_path):
    make_images(str(tmp_path))
    return tmp_path


def _write(case_dir, name):
    fname, content, expected = CASES[name]
    path = case_dir / fname
    path.write_bytes(content)
    exp = [e.replace("{f}", str(path)).replace("{d}", str(case_dir)) for e in expected]
    return str(path), exp


def test_corpus_is_large_enough():
    malformed = [n for n, (_, _, exp) in CASES.items() if any("warning" not in e for e in exp)]
    assert len(malformed) >= 25, len(malformed)


@pytest.mark.parametrize("name", sorted(CASES))
def test_exact_messages(case_dir, name):
    path, expected = _write(case_dir, name)
    got = []
    check_files([path], RecordOptions(check_images="decode"), lambda p: got.append(str(p)))
    assert got == expected


@pytest.mark.parametrize("name", sorted(n for n, (f, _, exp) in CASES.items()
                                        if exp and all(re.match(r"\{f\}:\d", e) for e in exp) and "warning" not in exp[0]))
def test_training_reader_reports_the_same(case_dir, name):
    """DataSource (random access, used by training) reports the same problems as data check."""
    path, expected = _write(case_dir, name)
    src = DataSource(path, RecordOptions(check_images="decode"))
    got = [str(p) for p in src.index_problems]
    for i in range(len(src)):
        got += [str(p) for p in src.read(i)[1]]
    assert got == expected


def test_training_reader_refuses_unreadable_file(case_dir):
    path, expected = _write(case_dir, "utf16_file")
    with pytest.raises(RecordError) as err:
        len(DataSource(path))
    assert str(err.value) == expected[0]


def test_valid_inline_base64_and_data_uri(case_dir):
    b64 = ok_png_base64(str(case_dir))
    path = case_dir / "b64.jsonl"
    rows = []
    for url in (b64, "data:image/png;base64," + b64):
        rows.append('{"image_info": [{"image_url": "%s", "matched_text_index": 0}], '
                    '"text_info": [{"text": "OCR:", "tag": "mask"}, {"text": "x", "tag": "no_mask"}]}' % url)
    path.write_text("\n".join(rows) + "\n")
    got = []
    reports = check_files([str(path)], RecordOptions(check_images="decode"), lambda p: got.append(str(p)))
    assert got == [] and reports[0].records == 2 and reports[0].invalid == 0


def test_remote_allowed_when_configured(case_dir):
    path, _ = _write(case_dir, "remote_url_refused")
    got = []
    check_files([path], RecordOptions(check_images="decode", allow_remote_images=True), lambda p: got.append(str(p)))
    assert got == []


def test_pixel_limit_is_configurable(case_dir):
    path = case_dir / "d.jsonl"
    path.write_text('{"image_info": [{"image_url": "ok.png", "matched_text_index": 0}], '
                    '"text_info": [{"text": "OCR:", "tag": "mask"}, {"text": "x", "tag": "no_mask"}]}\n')
    got = []
    check_files([str(path)], RecordOptions(check_images="decode", max_image_pixels=1000), lambda p: got.append(str(p)))
    assert got == [f"{path}:1: image_info[0].image_url: ok.png is 64x32 (2,048 pixels), above max_image_pixels 1,000; "
                   f"downscale it or raise max_image_pixels"]


def test_data_check_cli_lists_every_problem_and_exits_1(case_dir, capsys):
    paths = [_write(case_dir, n)[0] for n in ("bad_tag",)]
    other = case_dir / "more.jsonl"
    other.write_bytes(CASES["missing_image_file"][1] + CASES["matched_index_points_to_answer"][1])
    assert main(["data", "check", *paths, str(other)]) == 1
    out = capsys.readouterr().out
    assert f'{paths[0]}:1: text_info[1].tag: must be "mask" or "no_mask", got "nomask" (did you mean "no_mask"?)' in out
    assert f"{other}:1: image_info[0].image_url: file not found: img/missing.png" in out
    assert f"{other}:2: image_info[0].matched_text_index: points to text_info[1]" in out
    assert f"{other}: 2 records, 2 invalid" in out
    assert "FAILED: 3 invalid record(s)/file(s) of 3 records, 3 problem(s)" in out


def test_data_check_no_images_skips_image_checks(case_dir, capsys):
    path, _ = _write(case_dir, "corrupt_image")
    assert main(["data", "check", "--no-images", path]) == 0
    assert "OK: 1 records in 1 file(s) are valid (images not checked: --no-images)" in capsys.readouterr().out


def test_warnings_alone_do_not_fail(case_dir, capsys):
    path, _ = _write(case_dir, "blank_line")
    assert main(["data", "check", path]) == 0
    out = capsys.readouterr().out
    assert f"{path}:2: warning: blank line ignored" in out and "1 warning(s)" in out
