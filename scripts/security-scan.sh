#!/usr/bin/env bash
# make security-scan: build the demo in a temporary data dir, serve it with `redac serve` on
# 127.0.0.1, scan it with wapiti (offline: only that address), write the reports, stop the server,
# and fail when the scanner reports a high or critical finding or an internal server error.
# Not part of `make test`: a scan takes minutes. Findings are recorded in docs/security.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# A port the kernel says is free (several people may scan on one machine); SCAN_PORT to choose one.
PORT="${SCAN_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
REPORT_DIR="${SCAN_REPORT_DIR:-$PWD/security-reports}"
MAX_SCAN_SECONDS="${SCAN_MAX_SECONDS:-600}"
SCAN_VENV=.venv-scan
# wapiti pins its own dependencies (httpx, aiohttp...): a venv of its own keeps them from ours.
WAPITI_VERSION=3.2.3   # the last release for Python 3.11

if [ ! -x "$SCAN_VENV/bin/wapiti" ]; then
  echo "== installing wapiti3 $WAPITI_VERSION into $SCAN_VENV"
  python3 -m venv "$SCAN_VENV"
  "$SCAN_VENV/bin/pip" install --quiet "wapiti3==$WAPITI_VERSION"
fi

DATA_DIR="$(mktemp -d -t redac-scan-XXXXXX)"
export REDAC_DATA_DIR="$DATA_DIR" REDAC_SITE_URL="http://127.0.0.1:$PORT" DJANGO_SETTINGS_MODULE=redac.settings
unset DATABASE_URL REDAC_DEBUG || true
mkdir -p "$REPORT_DIR"

echo "== building the demo in $DATA_DIR"
.venv/bin/redac demo > "$REPORT_DIR/demo.log"

echo "== serving on 127.0.0.1:$PORT"
.venv/bin/redac serve --host 127.0.0.1 --port "$PORT" --workers 2 --no-worker > "$REPORT_DIR/server.log" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  if .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "redac serve stopped; see $REPORT_DIR/server.log"; exit 1; }
  sleep 1
done

echo "== wapiti (at most ${MAX_SCAN_SECONDS}s)"
# Default modules (xss, permanentxss, sql, exec, file, ssrf, redirect, upload, csp, http_headers,
# cookieflags) plus crlf, backup and htaccess; ssl needs HTTPS (the proxy's job) and ssrf needs
# wapiti's public endpoint, which an offline run cannot reach.
"$SCAN_VENV/bin/wapiti" --url "http://127.0.0.1:$PORT/" --scope folder \
  --module "common,crlf,backup,htaccess,-ssl,-ssrf" --flush-session --level 1 --tasks 4 \
  --max-scan-time "$MAX_SCAN_SECONDS" --max-attack-time 120 --timeout 10 \
  --exclude "http://127.0.0.1:$PORT/admin/logout/*" \
  --format json --output "$REPORT_DIR/wapiti.json" --verbose 0 > "$REPORT_DIR/wapiti.log" 2>&1 || true

.venv/bin/python - "$REPORT_DIR/wapiti.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
names = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
failures = 0
print("== findings")
for section in ("vulnerabilities", "anomalies", "additionals"):
    for category, items in sorted(report.get(section, {}).items()):
        for item in items:
            level = item.get("level", 0)
            serious = level >= 3 or (section == "anomalies" and "Internal Server Error" in category)
            failures += serious
            print(f"{'FAIL' if serious else 'ok  '} [{names.get(level, level)}] {category}: "
                  f"{item.get('method')} {item.get('path')} {item.get('info', '')[:140]}")
print(f"== {failures} high/critical finding(s) or server error(s); report: {sys.argv[1]}")
sys.exit(1 if failures else 0)
PY
