#!/usr/bin/env bash
# Set up everything the tests need, start a throwaway PostgreSQL, run the whole suite.
#   scripts/test.sh                 all tests, a representative set of real-time calls (~40 min on 2 cores)
#   VOICE_AGENT_SCENARIOS=all scripts/test.sh   every voice scenario (~7 min more)
#   scripts/test.sh -m "not realtime"   the fast ones only (~5 min)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

# A private PostgreSQL cluster on a Unix socket in a temp dir, stopped on exit.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/voice-agent-pg.XXXXXX)
chmod 755 "$pg_dir"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$pg_dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U voice_agent --auth=trust >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$pg_dir'" start >/dev/null
"${as_pg[@]}" "$pg_bin/createdb" -h "$pg_dir" -U voice_agent voice_agent_test
export VOICE_AGENT_TEST_PG_URL="postgresql+psycopg://voice_agent@/voice_agent_test?host=$pg_dir"

echo "==> ruff + mypy"
.venv/bin/ruff check .
.venv/bin/mypy agent pipeline intents voices benchmarks
echo "==> pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
