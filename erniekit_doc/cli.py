"""The `erniekit-doc` command.

Exit codes: 0 success; 1 a problem with the user's config or data, printed as a message
without a traceback (``--debug`` shows it); 2 a usage error (unknown option, missing
argument).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import List, Optional

from erniekit_doc import __version__
from erniekit_doc.errors import UserError

EXIT_OK, EXIT_USER, EXIT_USAGE = 0, 1, 2


def _add_record_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-images", action="store_true", help="do not open the images (faster; checks only the JSON)")
    p.add_argument("--allow-remote-images", action="store_true", help="accept http(s) image URLs (they are not downloaded)")
    p.add_argument("--max-image-pixels", type=int, default=89478485, metavar="N",
                   help="refuse images with more pixels than N (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="erniekit-doc",
        description="Fine-tune document-AI models (PaddleOCR-VL, ERNIE-Layout) on PaddlePaddle.",
        epilog="Add --debug anywhere to see tracebacks. Docs: README.md and docs/CONFIG.md.")
    parser.add_argument("--version", action="version", version=f"erniekit-doc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("train", help="train from a config: erniekit-doc train CONFIG.yaml key=value ...",
                       description="Train from a YAML/JSON config with ERNIEKit's key names; "
                                   "key=value and key.sub=value arguments override the file.")
    p.add_argument("config", help="YAML or JSON config file")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides")
    p.add_argument("--dry-run", action="store_true",
                   help="resolve the config and validate the model directory and all training data, then stop")
    p.set_defaults(func=cmd_train)

    pc = sub.add_parser("config", help="inspect configs").add_subparsers(dest="config_command", metavar="SUBCOMMAND")
    pc.required = True
    p = pc.add_parser("show", help="print the fully resolved config as YAML")
    p.add_argument("config", nargs="?", help="YAML or JSON config file (omit to show the defaults)")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides")
    p.set_defaults(func=cmd_config_show)
    p = pc.add_parser("keys", help="list every accepted config key with its type, default and meaning")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table (docs/CONFIG.md)")
    p.set_defaults(func=cmd_config_keys)

    pd = sub.add_parser("data", help="check and describe data files").add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    pd.required = True
    p = pd.add_parser("check", help="validate ERNIEKit JSONL/JSON files; lists every problem, exit 1 if any",
                      description="Validate ERNIEKit records (text_info/image_info or query/response) and their images. "
                                  "Prints FILE:LINE: field: problem for each, and exits 1 if there is any.")
    p.add_argument("files", nargs="+", help="JSONL or JSON-array files")
    _add_record_options(p)
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.set_defaults(func=cmd_data_check)
    p = pd.add_parser("stats", help="counts, text lengths, image sizes and task prompts of data files")
    p.add_argument("files", nargs="+", help="JSONL or JSON-array files")
    _add_record_options(p)
    p.add_argument("--histogram", metavar="PNG", help="also save histograms of lengths and image sizes")
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")
    p.set_defaults(func=cmd_data_stats)
    return parser


# ---------------------------------------------------------------------------------------


def cmd_config_show(args) -> int:
    from erniekit_doc.config import TrainConfig, dump_yaml, load_config

    cfg = load_config(args.config, args.overrides) if (args.config or args.overrides) else TrainConfig()
    sys.stdout.write(dump_yaml(cfg))
    return EXIT_OK


def cmd_config_keys(args) -> int:
    from erniekit_doc.config import describe_keys

    rows = describe_keys()
    if args.markdown:
        print("| key | type | default | meaning |\n|---|---|---|---|")
        for key, tp, default, help_text in rows:
            print(f"| `{key}` | {tp} | `{default}` | {help_text} |")
    else:
        for key, tp, default, help_text in rows:
            print(f"{key}  ({tp}, default {default})\n    {help_text}")
    return EXIT_OK


def _record_options(args, check_images: str):
    from erniekit_doc.data.records import RecordOptions

    return RecordOptions(allow_remote_images=args.allow_remote_images,
                         check_images="none" if args.no_images else check_images,
                         max_image_pixels=args.max_image_pixels)


def cmd_data_check(args) -> int:
    from erniekit_doc.data.check import check_files

    counts = {"errors": 0, "warnings": 0}

    def on_problem(p):
        counts["warnings" if p.warning else "errors"] += 1
        if not args.quiet:
            print(p, flush=False)

    reports = check_files(args.files, _record_options(args, "decode"), on_problem)
    for r in reports:
        status = "unreadable" if r.file_error else f"{r.records:,} records, {r.invalid:,} invalid"
        extra = f", {r.warnings:,} warning(s)" if r.warnings else ""
        print(f"{r.path}: {status}{extra}")
    total = sum(r.records for r in reports)
    bad = sum(r.invalid for r in reports) + sum(r.file_error for r in reports)
    if counts["errors"]:
        print(f"FAILED: {bad:,} invalid record(s)/file(s) of {total:,} records, {counts['errors']:,} problem(s)"
              + ("" if not args.quiet else " (run without --quiet to list them)"))
        return EXIT_USER
    print(f"OK: {total:,} records in {len(reports)} file(s) are valid"
          + (" (images not checked: --no-images)" if args.no_images else ""))
    return EXIT_OK


def cmd_data_stats(args) -> int:
    from erniekit_doc.data.check import Stats, format_stats_table, save_histogram, scan

    stats = Stats()
    problems = []
    opts = _record_options(args, "exists")
    for report, record in scan(args.files, opts, problems.append):
        if record is not None:
            stats.add(record, read_image_sizes=not args.no_images, max_pixels=args.max_image_pixels)
    stats.invalid = len({(p.file, p.line) for p in problems if not p.warning})
    result = stats.as_dict()
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(format_stats_table(result))
    if stats.invalid:
        print(f"\nnote: {stats.invalid} invalid record(s) are not counted above; run `erniekit-doc data check` to list them",
              file=sys.stderr)
    if args.histogram:
        save_histogram(stats, args.histogram)
        print(f"histogram written to {args.histogram}", file=sys.stderr)
    return EXIT_OK


def cmd_train(args) -> int:
    from erniekit_doc.config import load_config
    from erniekit_doc.data.dataset import validate_training_inputs

    cfg = load_config(args.config, args.overrides)
    report = validate_training_inputs(cfg, log=print)
    if args.dry_run:
        print(f"dry run: config, model directory and {report['records']:,} training records are valid; nothing trained")
        return EXIT_OK
    raise UserError(
        f"stage {cfg.stage}: the training loop is not part of this version yet (it lands with the SFT trainer); "
        f"the config, the model directory and the {report['records']:,} training records were validated. "
        f"Use --dry-run to run only these checks.")


# ---------------------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(e.code or 0)
    try:
        return args.func(args)
    except UserError as e:
        if debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `erniekit-doc data check ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
