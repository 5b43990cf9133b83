# Start and stop a throwaway PostgreSQL cluster on 127.0.0.1 for the template's tests.
# Source this file, call start_postgresql, and it exports TEMPLATE_POSTGRESQL_URL.
# The cluster lives in a temporary folder and is removed by stop_postgresql.

POSTGRESQL_PORT="${POSTGRESQL_PORT:-55432}"

postgresql_bindir() {
  if command -v pg_config >/dev/null 2>&1; then
    pg_config --bindir
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  fi
}

install_postgresql_if_missing() {
  if [ -x "$(postgresql_bindir)/initdb" ]; then
    return
  fi
  echo "== installing PostgreSQL from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# initdb and pg_ctl refuse to run as root: run them as the postgres user when we are root.
as_cluster_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgresql() {
  install_postgresql_if_missing
  local bindir
  bindir="$(postgresql_bindir)"
  POSTGRESQL_DATA="$(mktemp -d /tmp/template-postgresql.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$POSTGRESQL_DATA"
  fi
  as_cluster_owner "$bindir/initdb" -D "$POSTGRESQL_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  # A throwaway cluster: durability settings off, it is deleted at the end anyway.
  as_cluster_owner "$bindir/pg_ctl" -D "$POSTGRESQL_DATA" -l "$POSTGRESQL_DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$POSTGRESQL_PORT -k $POSTGRESQL_DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  "$bindir/psql" -q -h 127.0.0.1 -p "$POSTGRESQL_PORT" -U postgres -d postgres \
    -c "CREATE ROLE template_tests LOGIN PASSWORD 'template_tests' CREATEDB" >/dev/null
  export TEMPLATE_POSTGRESQL_URL="postgresql+psycopg://template_tests:template_tests@127.0.0.1:$POSTGRESQL_PORT/postgres"
  echo "== PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$POSTGRESQL_PORT"
}

stop_postgresql() {
  if [ -n "${POSTGRESQL_DATA:-}" ] && [ -d "$POSTGRESQL_DATA" ]; then
    as_cluster_owner "$(postgresql_bindir)/pg_ctl" -D "$POSTGRESQL_DATA" -m fast stop >/dev/null || true
    rm -rf "$POSTGRESQL_DATA"
  fi
}
