#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment in .venv and install erniekit-doc into it.
# Re-running is cheap: the install is skipped while setup.py is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PYTHON --version 2>&1)"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.erniekit-doc-installed"
want="$(cat setup.py | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] installing erniekit-doc and its dependencies (PaddlePaddle, PaddleOCR, ...) into .venv; the first time takes a few minutes"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import erniekit_doc, paddle, yaml, PIL" >/dev/null
  echo "$want" > "$stamp"
fi
