#!/bin/sh
# Bring the database to the newest schema, then run the command (`hayna serve` by default).
# Other commands (`hayna db backup ...`, `hayna db restore ...`) run as they are, without it.
set -eu
if [ "${1:-}" = "hayna" ] && [ "${2:-}" = "serve" ]; then
    hayna db upgrade
fi
exec "$@"
