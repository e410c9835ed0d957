#!/usr/bin/env bash
# Load test of team sync (README, "Deploying to a team"): a throwaway PostgreSQL in a
# temporary folder, the team schema, then 500 agents x 60 calls a day x 30 days = 900 000
# call summaries through the same batched upsert the app uses, the team report for one team
# over 30 days, and the table's size. Prints one JSON object of figures.
#
#   scripts/team-load.sh                  # the full load (several minutes)
#   scripts/team-load.sh --agents 50      # smaller; any `team load-test` option passes on
#
# Needs the postgresql package (server binaries under /usr/lib/postgresql/*/bin). As root,
# the server runs as the postgres (or nobody) user: PostgreSQL refuses to run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then bin=$(dirname "$(command -v initdb)"); fi
[ -x "$bin/initdb" ] || { echo "team-load: install postgresql (initdb not found)" >&2; exit 1; }

cargo build --release --quiet
exe="${CARGO_TARGET_DIR:-target}/release/speech-coach"

dir=$(mktemp -d /tmp/speech-coach-load.XXXXXX)
chmod 755 "$dir"
run=()
if [ "$(id -u)" = 0 ]; then
  user=postgres; id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$dir"; run=(runuser -u "$user" --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

echo load-pw > "$dir/pw"; chmod 600 "$dir/pw"
[ "${#run[@]}" -gt 0 ] && chown "$user" "$dir/pw"
"${run[@]}" "$bin/initdb" -D "$dir/data" -U coach_admin --pwfile="$dir/pw" --auth=scram-sha-256 \
  -E UTF8 --locale=C >/dev/null
# Default server settings apart from the port and socket folder: the figures are what a
# stock PostgreSQL gives (shared_buffers 128 MB, fsync on).
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
"${run[@]}" "$bin/postgres" --version >&2

export SPEECH_COACH_DB_PASSWORD=load-pw
url="postgresql://coach_admin@127.0.0.1:$port/postgres?sslmode=disable"
"$exe" team init --admin-url "$url" >&2
"$exe" team load-test --url "$url" "$@"
