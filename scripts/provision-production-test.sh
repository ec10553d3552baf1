#!/usr/bin/env bash
# What test/production/ needs on a machine, through the project's own files: Debian's PostgreSQL
# server (installed when missing; CI runs as root on a fresh machine) and the Temporal server with
# its SQL schema tool, built from the Go module proxy at docker-compose.yml's version and cached
# under .tools/ (scripts/provision-temporal-server.mjs; a warm run does nothing).
# With PLANVAKT_TEST_TEMPORAL_ADDRESS set the tests use that cluster and nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PLANVAKT_TEST_TEMPORAL_ADDRESS:-}" ]; then
  echo "[planvakt] test/production: existing cluster at $PLANVAKT_TEST_TEMPORAL_ADDRESS, nothing to provision"
  exit 0
fi

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[planvakt] installing Debian's postgresql for test/production …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "[planvakt] ERROR: test/production needs a PostgreSQL server (/usr/lib/postgresql/*/bin)." >&2
    echo "  Fix: sudo apt-get install postgresql, or set PLANVAKT_TEST_TEMPORAL_ADDRESS=host:port." >&2
    exit 1
  fi
fi

node scripts/provision-temporal-server.mjs
