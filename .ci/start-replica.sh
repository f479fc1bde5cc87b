#!/usr/bin/env bash
# A PostgreSQL streaming replica of the server on 127.0.0.1:5432, on 127.0.0.1:5433 (issue 15
# item 3): a second cluster made with `pg_basebackup -R` that the report tests read from.
#
#   .ci/start-replica.sh          start it, or reuse it when it already streams from 5432
#   .ci/start-replica.sh --stop   stop it, drop its replication slot and its data directory
#
# Idempotent: a running replica of this primary is reused; a stopped one is started and must
# resume streaming, else it is rebuilt. The primary is only ever reloaded, never restarted: the
# script adds one `host replication` line to its pg_hba.conf when none is there (trust from
# 127.0.0.1, like the CI server's other lines). Runs as root (the tools run as user postgres)
# or as postgres. Production replicas are set up differently: see README, "Reports from a
# replica".
set -euo pipefail

HOST=127.0.0.1
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
SLOT=${REPLICA_SLOT:-replica_$REPLICA_PORT}
DATA=${REPLICA_DATA:-/var/lib/postgresql/replica-$REPLICA_PORT}
LOG=${DATA}.log
# A new standby accepts connections once it has a snapshot of the primary's transactions;
# while a transaction with many subtransactions stays open there, that waits for its end.
WAIT=${REPLICA_WAIT_SECONDS:-300}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
sql() {  # sql PORT QUERY: one value, unaligned
  psql -X -q -At -h "$HOST" -p "$1" -U postgres -d postgres -c "$2"
}
say() { echo "start-replica: $*"; }

sql "$PRIMARY_PORT" "select 1" >/dev/null || { say "no PostgreSQL on $HOST:$PRIMARY_PORT" >&2; exit 1; }
MAJOR=$(sql "$PRIMARY_PORT" "select current_setting('server_version_num')::int / 10000")
BIN=/usr/lib/postgresql/$MAJOR/bin
[ -x "$BIN/pg_ctl" ] || BIN=$(pg_config --bindir)
PRIMARY_ID=$(sql "$PRIMARY_PORT" "select system_identifier from pg_control_system()")

drop_slot() {
  sql "$PRIMARY_PORT" "select pg_drop_replication_slot(slot_name) from pg_replication_slots
                       where slot_name = '$SLOT' and not active" >/dev/null
}

stop_replica() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
  fi
}

if [ "${1:-}" = "--stop" ]; then
  stop_replica
  drop_slot
  rm -rf "$DATA" "$LOG"
  say "stopped; slot $SLOT and $DATA removed"
  exit 0
fi

streaming() {  # the server on the replica port is a standby of this primary, receiving WAL
  [ "$(sql "$REPLICA_PORT" "select pg_is_in_recovery()" 2>/dev/null)" = t ] || return 1
  [ "$(sql "$REPLICA_PORT" "select system_identifier from pg_control_system()")" = "$PRIMARY_ID" ] \
    || return 1
  [ "$(sql "$REPLICA_PORT" "select status from pg_stat_wal_receiver")" = streaming ]
}

wait_streaming() {
  for _ in $(seq 1 "$WAIT"); do streaming && return 0; sleep 1; done
  return 1
}

allow_replication() {
  local level hba
  level=$(sql "$PRIMARY_PORT" "show wal_level")
  if [ "$level" = minimal ] || [ "$(sql "$PRIMARY_PORT" "show max_wal_senders")" = 0 ]; then
    say "the primary has wal_level=minimal or max_wal_senders=0; it needs a restart" >&2
    exit 1
  fi
  hba=$(sql "$PRIMARY_PORT" "show hba_file")
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]' "$hba"; then
    printf '# streaming replica for the tests (.ci/start-replica.sh)\n' >>"$hba"
    printf 'host replication all %s/32 trust\n' "$HOST" >>"$hba"
    sql "$PRIMARY_PORT" "select pg_reload_conf()" >/dev/null
    say "allowed replication connections from $HOST in $hba"
  fi
}

configure() {  # Debian keeps the configuration outside the data directory: write the replica's own
  local hba ident settings
  hba=$(sql "$PRIMARY_PORT" "show hba_file")
  ident=$(sql "$PRIMARY_PORT" "show ident_file")
  install -o postgres -g postgres -m 600 "$hba" "$DATA/pg_hba.conf"
  install -o postgres -g postgres -m 600 "$ident" "$DATA/pg_ident.conf"
  # A hot standby needs these at least as high as on the primary.
  settings=$(sql "$PRIMARY_PORT" "select string_agg(name || ' = ' || setting, E'\n') from pg_settings
    where name in ('max_connections', 'max_worker_processes', 'max_wal_senders',
                   'max_prepared_transactions', 'max_locks_per_transaction')")
  as_postgres tee "$DATA/postgresql.conf" >/dev/null <<EOF
# The test replica (.ci/start-replica.sh); primary_conninfo is in postgresql.auto.conf (-R).
listen_addresses = '$HOST'
port = $REPLICA_PORT
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
# Long report queries are not cancelled by the primary's vacuum (README).
hot_standby_feedback = on
$settings
EOF
}

build() {
  stop_replica
  rm -rf "$DATA" "$LOG"
  drop_slot
  allow_replication
  say "pg_basebackup from $HOST:$PRIMARY_PORT into $DATA"
  as_postgres "$BIN/pg_basebackup" -h "$HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -C -S "$SLOT" --checkpoint=fast
  configure
}

start() {  # then wait_streaming: pg_ctl's own wait would give up after 60 s
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -W start >/dev/null
}

if streaming; then
  say "reusing the replica on $HOST:$REPLICA_PORT"
  exit 0
fi
if pg_isready -q -h "$HOST" -p "$REPLICA_PORT" && [ ! -f "$DATA/postmaster.pid" ]; then
  say "$HOST:$REPLICA_PORT answers but is not a replica of $HOST:$PRIMARY_PORT from $DATA" >&2
  exit 1
fi
if [ -f "$DATA/standby.signal" ]; then
  as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null || start
  if wait_streaming; then
    say "the replica in $DATA streams on $HOST:$REPLICA_PORT"
    exit 0
  fi
  say "the replica in $DATA does not stream; rebuilding it"
fi
build
start
wait_streaming || {
  say "the new replica does not stream after $WAIT s; see $LOG (a long transaction on the" \
    "primary keeps a new standby from accepting connections until it ends)" >&2
  exit 1
}
say "replica streaming on $HOST:$REPLICA_PORT"
