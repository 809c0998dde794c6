#!/usr/bin/env bash
# The whole test suite on a fresh machine with the .NET SDK: installs what the tests need (Chromium, PostgreSQL,
# nginx for the two-node topology tests, docker-compose for validating the compose file) from Debian packages when missing, starts a throw-away
# PostgreSQL on 127.0.0.1, runs every test project, and ends with one line: "N passed, M failed, K skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

log() { printf '\n== %s\n' "$*"; }

need_packages=()
[ -x /usr/bin/chromium ] || need_packages+=(chromium)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_packages+=(postgresql)
command -v docker-compose >/dev/null 2>&1 || need_packages+=(docker-compose)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need_packages+=(nginx)
if [ ${#need_packages[@]} -gt 0 ]; then
  log "Installing ${need_packages[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)")
pgdata=$(mktemp -d /tmp/iess-pg.XXXXXX)
pgport=${IESS_TEST_PGPORT:-54329}
stop_postgres() {
  if [ -f "$pgdata/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "'$pgbin/pg_ctl' -D '$pgdata' -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$pgdata"
}
trap stop_postgres EXIT

log "Starting PostgreSQL on 127.0.0.1:$pgport"
chown postgres "$pgdata" 2>/dev/null || true
if su postgres -s /bin/sh -c "'$pgbin/initdb' -D '$pgdata' -U postgres --auth=trust -E UTF8 >/dev/null" &&
   su postgres -s /bin/sh -c "'$pgbin/pg_ctl' -D '$pgdata' -o \"-h 127.0.0.1 -p $pgport -k /tmp\" -l '$pgdata/log' -w start >/dev/null"; then
  export IESS_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres;Pooling=true"
else
  echo "PostgreSQL could not be started; the PostgreSQL tests will fail." >&2
fi

log "Validating docker/compose.yaml"
compose_ok=0
if docker-compose --env-file docker/.env.example -f docker/compose.yaml config -q; then compose_ok=1; fi

log "Restoring tools and building"
dotnet tool restore >/dev/null
build_ok=0
if dotnet build IessIdentity.sln -c Release -nologo -v q; then build_ok=1; fi

# The soak test (trait Category=Soak) runs ten minutes unless told otherwise; CI runs one.
export IESS_SOAK_SECONDS=${IESS_SOAK_SECONDS:-60}

failed_runs=0
if [ $build_ok = 1 ]; then
  for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    log "Testing $name"
    dotnet test "$project" -c Release --no-build --nologo \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" || failed_runs=$((failed_runs + 1))
  done
fi

bench_ok=0
if [ $build_ok = 1 ]; then
  log "Benchmark driver smoke (a few seconds per scenario; asserts no figures, fails on errors)"
  if bash bench/smoke.sh; then bench_ok=1; fi
fi

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

# Checks outside the test runners count as one failed test each, so the line says so.
[ $compose_ok = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1))
[ $build_ok = 1 ] || failed=$((failed + 1))
[ $bench_ok = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1))

echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ $failed -gt 0 ] || [ $failed_runs -gt 0 ] || [ $build_ok = 0 ]; then
  exit 1
fi
