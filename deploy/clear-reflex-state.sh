#!/usr/bin/env bash
# Delete the browser-tab states Reflex keeps in Redis. Run it on deploy when
# state classes were renamed, moved or changed shape: a pickled state whose
# class no longer exists breaks that tab until the key expires (reflex#7271).
# Users keep their login (it lives in an HttpOnly cookie + the database); open
# tabs reload their state in on_load.
#
#   REFLEX_REDIS_URL=redis://redis:6379/1 deploy/clear-reflex-state.sh
#
# With Reflex on its own Redis database (recommended, see README) this is the
# same as FLUSHDB on that database; on a shared database it deletes only the
# state keys ("<token>_reflex___state____state...") and leaves RQ, cache and
# rate-limit keys alone.
set -euo pipefail

url=${REFLEX_REDIS_URL:-${REDIS_URL:-}}
if [ -z "$url" ]; then
    echo "set REFLEX_REDIS_URL (or REDIS_URL) to the Redis that holds Reflex state" >&2
    exit 2
fi

keys=$(redis-cli -u "$url" --no-auth-warning --scan --pattern '*_reflex___state____state*')
deleted=0
while IFS= read -r batch; do
    [ -n "$batch" ] || continue
    # shellcheck disable=SC2086  # word-split on purpose: the keys contain no spaces
    n=$(redis-cli -u "$url" --no-auth-warning UNLINK $batch)
    deleted=$((deleted + n))
done < <(printf '%s\n' "$keys" | xargs -r -n 500 echo)

echo "deleted $deleted Reflex state keys"
