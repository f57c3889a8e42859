#!/usr/bin/env bash
# Make sure the local PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379)
# that the tests use are up.
#
#   scripts/services.sh ensure   check, start what is installed but down, wait
#   scripts/services.sh status   check only
#
# With CI=true a service that stays down is an error (exit 1); otherwise it is a
# warning and the tests that need it decide (they skip or fail on their own).
set -uo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
PG_TEST_DB=test
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-20}

log() { printf 'services: %s\n' "$*" >&2; }

pg_up() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
    else
        (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
    fi
}

redis_up() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
    else
        # Speak RESP by hand when redis-cli is not installed.
        local reply
        reply=$(
            exec 2>/dev/null
            exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || exit 1
            printf 'PING\r\n' >&3
            timeout 2 head -c 5 <&3
        ) || return 1
        [ "$reply" = "+PONG" ]
    fi
}

start_pg() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
        log "PostgreSQL is not installed here (no pg_ctlcluster / /etc/postgresql)"
        return 1
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

start_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        log "Redis is not installed here (no redis-server)"
        return 1
    fi
    log "starting redis-server on $REDIS_HOST:$REDIS_PORT"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

wait_for() {  # wait_for NAME CHECK_FUNCTION
    local name=$1 check=$2 i
    for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
        "$check" && return 0
        sleep 0.5
    done
    log "$name did not answer within ${WAIT_SECONDS}s"
    return 1
}

ensure_test_db() {
    # The machine image ships a `test` database; create it if someone dropped it.
    command -v psql >/dev/null 2>&1 || return 0
    local exists
    exists=$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_TEST_DB'" 2>/dev/null) || return 0
    if [ "$exists" != "1" ]; then
        log "creating database $PG_TEST_DB"
        psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE \"$PG_TEST_DB\"" \
            || log "could not create database $PG_TEST_DB"
    fi
}

ensure_one() {  # ensure_one NAME CHECK START
    local name=$1 check=$2 start=$3
    if "$check"; then
        log "$name is up"
        return 0
    fi
    log "$name is not reachable; trying to start it"
    if "$start" && wait_for "$name" "$check"; then
        log "$name is up"
        return 0
    fi
    return 1
}

cmd_ensure() {
    local failed=()
    ensure_one "PostgreSQL ($PG_HOST:$PG_PORT)" pg_up start_pg || failed+=("PostgreSQL on $PG_HOST:$PG_PORT")
    ensure_one "Redis ($REDIS_HOST:$REDIS_PORT)" redis_up start_redis || failed+=("Redis on $REDIS_HOST:$REDIS_PORT")
    pg_up && ensure_test_db
    if [ ${#failed[@]} -gt 0 ]; then
        local down
        down=$(printf '%s, ' "${failed[@]}")
        down=${down%, }
        if [ "${CI:-}" = "true" ]; then
            log "ERROR: not reachable: $down. The test suite needs them in CI."
            return 1
        fi
        log "WARNING: not reachable: $down. Tests that need them will skip or fail."
    fi
    return 0
}

cmd_status() {
    local rc=0
    if pg_up; then log "PostgreSQL up"; else log "PostgreSQL down"; rc=1; fi
    if redis_up; then log "Redis up"; else log "Redis down"; rc=1; fi
    return $rc
}

case "${1:-ensure}" in
    ensure) cmd_ensure ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 [ensure|status]" >&2
        exit 2
        ;;
esac
