#!/usr/bin/env bash
# Install what the HTML-report browser test needs: Debian's chromium (apt) and the playwright
# Python package (pip, into genflag's venv). Idempotent and quick when both are present.
# Never downloads a browser build (`playwright install` is not used: the test drives /usr/bin/chromium).
#
#   scripts/install_test_deps.sh            # uses .venv/bin/python, else python3
#   PYTHON=/path/to/python scripts/install_test_deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"

if command -v chromium >/dev/null 2>&1; then
    echo "chromium: present ($(command -v chromium))"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium
    echo "chromium: installed"
else
    echo "chromium: missing, and apt-get as root is not available; the browser test will skip" >&2
fi

if "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    echo "playwright: present"
else
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "playwright>=1.40"
    echo "playwright: installed"
fi
