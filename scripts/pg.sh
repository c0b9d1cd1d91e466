# Sourced by scripts/test.sh: starts a throwaway PostgreSQL cluster on loopback for the server's
# tests (crates/server), exports ANSINH_TEST_PG_URL and ANSINH_REQUIRE_PG=1 (a missing server
# then fails those tests instead of skipping them), and stops and removes it when the shell exits.
# Port: $ANSINH_PG_PORT (default 55432). Root cannot run postgres: as root the cluster runs as
# the `postgres` user the Debian package creates.

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -x "$PG_BIN/initdb" ]] || { echo "pg: error: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
PG_PORT="${ANSINH_PG_PORT:-55432}"
PG_DIR="$(mktemp -d /tmp/ansinh-pg.XXXXXX)"
PG_RUN=()
if [[ "$(id -u)" -eq 0 ]]; then
  chown postgres "$PG_DIR"
  PG_RUN=(runuser -u postgres --)
fi
pg_stop() {
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap pg_stop EXIT
"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U ansinh >/dev/null
"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null \
  || { cat "$PG_DIR/log" >&2; echo "pg: error: PostgreSQL did not start on port $PG_PORT" >&2; exit 1; }
export ANSINH_TEST_PG_URL="postgres://ansinh@127.0.0.1:$PG_PORT/postgres"
export ANSINH_REQUIRE_PG=1
echo "pg: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $ANSINH_TEST_PG_URL"
