#!/usr/bin/env bash
# A fleet on this one machine: 3 `voice-agent serve` workers, HAProxy (HTTP: Twilio webhooks, Media
# Streams, browser) on 127.0.0.1:8088, Kamailio (SIP) on 127.0.0.1:5088, one PostgreSQL they share.
#   deploy/fleet.sh start            start everything, print the front-door URLs
#   deploy/fleet.sh stop             drain the workers (SIGTERM), then stop the rest
#   deploy/fleet.sh status           what runs, and each worker's /healthz
#   deploy/fleet.sh restart N        drain worker N (1-3) and start it again (a rolling restart step)
#   deploy/fleet.sh kill N           SIGKILL worker N (a crash, for tests)
#   deploy/fleet.sh start-worker N   start worker N alone (after a kill)
# Environment: FLEET_DIR (state, logs; default /tmp/voice-agent-fleet), PYTHON (default
# .venv/bin/python), FLEET_MAX_CALLS and FLEET_DRAIN_S (worker settings), FLEET_SIP=0 (no SIP).
# Everything listens on 127.0.0.1 only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${FLEET_DIR:-/tmp/voice-agent-fleet}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
WORKERS=(1 2 3)
http_port() { echo $((8100 + $1)); }
sip_port() { echo $((5100 + $1)); }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
AS_PG=()
[[ $(id -u) -eq 0 ]] && AS_PG=(runuser -u postgres --)
DB_URL="postgresql+psycopg://voice_agent@/voice_agent?host=$DIR/pg"

# The front doors and the database come from Debian's packages; `scripts/setup.sh` (the README's
# first command) installs only what one worker needs, so `start` installs the rest once.
need_packages() {
  local pkgs=(postgresql haproxy curl) missing=()
  [[ ${FLEET_SIP:-1} == 1 ]] && pkgs+=(kamailio)
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
health() { curl -s -m 2 "http://127.0.0.1:$(http_port "$1")/healthz" || echo '(no answer)'; }

start_pg() {
  if [[ -f $DIR/pg/data/postmaster.pid ]] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then
    return
  fi
  mkdir -p "$DIR/pg" && chmod 755 "$DIR" "$DIR/pg"
  [[ $(id -u) -eq 0 ]] && chown postgres "$DIR/pg"
  if [[ ! -d $DIR/pg/data ]]; then
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$DIR/pg/data" -U voice_agent --auth=trust >/dev/null
    fresh=1
  fi
  # Workers x (pool of 5 + overflow 10) stays well under 100 connections.
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$DIR/pg' -c max_connections=100" start >/dev/null
  if [[ ${fresh:-0} == 1 ]]; then
    "${AS_PG[@]}" "$PG_BIN/createdb" -h "$DIR/pg" -U voice_agent voice_agent
    # Migrate and seed once, before the workers start, so they do not race to do it.
    (cd "$ROOT" && "$PYTHON" -m agent.cli store --db-url "$DB_URL" seed --demo >/dev/null)
  fi
}

start_worker() {
  local n=$1 wdir="$DIR/w$1" args=()
  alive "$wdir/pid" && { echo "worker $n already running"; return; }
  mkdir -p "$wdir"
  # Each worker its own RTP ports: on one host, shared ranges collide (pjsip skips to the next
  # free port, but logs every collision).
  [[ ${FLEET_SIP:-1} == 1 ]] && args+=(--sip "127.0.0.1:$(sip_port "$n")" --sip-failover
                                       --sip-rtp-ports "$((20000 + n * 1000))-$((20999 + n * 1000))")
  [[ -n ${FLEET_MAX_CALLS:-} ]] && args+=(--max-calls "$FLEET_MAX_CALLS")
  [[ -n ${FLEET_DRAIN_S:-} ]] && args+=(--drain-timeout-s "$FLEET_DRAIN_S")
  # Each worker runs in its own folder: its var/ (callback spool) is its own.
  (cd "$wdir"
   PYTHONPATH="$ROOT" PYTHONUNBUFFERED=1 exec nohup "$PYTHON" -m agent.cli serve \
     --port "$(http_port "$n")" --db-url "$DB_URL" --no-demo "${args[@]}" </dev/null >>"$wdir/log" 2>&1) &
  echo $! >"$wdir/pid"
}

wait_worker() {
  local n=$1
  for _ in $(seq 1 240); do
    curl -s -m 1 -o /dev/null "http://127.0.0.1:$(http_port "$n")/healthz" && return 0
    alive "$DIR/w$n/pid" || { echo "worker $n died:"; tail -n 20 "$DIR/w$n/log"; return 1; }
    sleep 0.5
  done
  echo "worker $n did not come up"; return 1
}

stop_worker() {  # SIGTERM drains: live calls finish (up to the drain limit), exit 0
  local n=$1 pidf="$DIR/w$1/pid"
  alive "$pidf" || return 0
  kill -TERM "$(cat "$pidf")"
}

wait_gone() {
  local pidf=$1
  for _ in $(seq 1 ${2:-300}); do alive "$pidf" || return 0; sleep 0.5; done
  return 1
}

case ${1:-} in
  start)
    need_packages
    mkdir -p "$DIR"
    start_pg
    for n in "${WORKERS[@]}"; do start_worker "$n"; done
    for n in "${WORKERS[@]}"; do wait_worker "$n"; done
    alive "$DIR/haproxy.pid" || haproxy -f "$ROOT/deploy/haproxy.cfg" -D -p "$DIR/haproxy.pid" \
      </dev/null >>"$DIR/haproxy.log" 2>&1
    if [[ ${FLEET_SIP:-1} == 1 ]] && ! alive "$DIR/kamailio.pid"; then
      kamailio -f "$ROOT/deploy/kamailio.cfg" -A "DS_LIST=\"$ROOT/deploy/dispatcher.list\"" \
        -P "$DIR/kamailio.pid" -m 32 -M 8 -w "$DIR" </dev/null >/dev/null 2>"$DIR/kamailio.log"
    fi
    echo "Front doors:"
    echo "  browser        http://127.0.0.1:8088/"
    echo "  Twilio webhook http://127.0.0.1:8088/twilio/voice (Media Streams ws://127.0.0.1:8088/twilio/stream)"
    [[ ${FLEET_SIP:-1} == 1 ]] && echo "  SIP            sip:agent@127.0.0.1:5088 (udp)"
    echo "  HAProxy stats  http://127.0.0.1:8089/stats"
    echo "  PostgreSQL     $DB_URL"
    echo "Workers: $(for n in "${WORKERS[@]}"; do printf 'http://127.0.0.1:%s ' "$(http_port "$n")"; done)(logs in $DIR/w*/log)"
    ;;
  stop)
    for n in "${WORKERS[@]}"; do stop_worker "$n"; done
    for n in "${WORKERS[@]}"; do wait_gone "$DIR/w$n/pid" || kill -KILL "$(cat "$DIR/w$n/pid")" 2>/dev/null || true; done
    for p in haproxy kamailio; do alive "$DIR/$p.pid" && kill "$(cat "$DIR/$p.pid")"; done
    [[ -d $DIR/pg/data ]] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast stop >/dev/null 2>&1 || true
    echo "fleet stopped (state kept in $DIR)"
    ;;
  status)
    for n in "${WORKERS[@]}"; do
      if alive "$DIR/w$n/pid"; then echo "worker $n (pid $(cat "$DIR/w$n/pid")): $(health "$n")"
      else echo "worker $n: stopped"; fi
    done
    for p in haproxy kamailio; do
      if alive "$DIR/$p.pid"; then echo "$p: running (pid $(cat "$DIR/$p.pid"))"; else echo "$p: stopped"; fi
    done
    if "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then echo "postgresql: running"
    else echo "postgresql: stopped"; fi
    ;;
  restart)
    n=${2:?worker number}
    stop_worker "$n"
    wait_gone "$DIR/w$n/pid"
    start_worker "$n"
    wait_worker "$n"
    ;;
  kill)
    n=${2:?worker number}
    alive "$DIR/w$n/pid" && kill -KILL "$(cat "$DIR/w$n/pid")"
    ;;
  start-worker)
    n=${2:?worker number}
    start_worker "$n"
    wait_worker "$n"
    ;;
  *)
    sed -n '2,12p' "$0"; exit 2 ;;
esac
