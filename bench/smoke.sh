#!/usr/bin/env bash
# CI smoke of the load driver: builds the server and the driver, runs every scenario for a few seconds with two
# virtual users on SQLite (and on PostgreSQL when IESS_TEST_POSTGRES is set, as scripts/test.sh does), and fails
# when the driver fails or any operation failed. It asserts no figures: this machine's numbers are in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/IdentityServer -c Release -nologo -v q
dotnet build bench/IessIdentity.Bench -c Release -nologo -v q

driver=bench/IessIdentity.Bench/bin/Release/net10.0/IessIdentity.Bench.dll
smoke=(--duration 3 --warmup 1 --users 2 --fail-on-errors)

echo "== bench smoke (SQLite)"
timeout 300 dotnet "$driver" "${smoke[@]}" --out artifacts/bench-smoke/sqlite

if [ -n "${IESS_TEST_POSTGRES:-}" ]; then
  echo "== bench smoke (PostgreSQL)"
  timeout 300 dotnet "$driver" "${smoke[@]}" --skip-limits --postgres "$IESS_TEST_POSTGRES" --out artifacts/bench-smoke/postgresql
fi
