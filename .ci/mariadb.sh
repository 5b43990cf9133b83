# Start and stop a throwaway MariaDB server on 127.0.0.1 for the template's tests.
# Source this file, call start_mariadb, and it exports TEMPLATE_MYSQL_URL.
# The server's data lives in a temporary folder and is removed by stop_mariadb.

MARIADB_PORT="${MARIADB_PORT:-53306}"

install_mariadb_if_missing() {
  if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
    return
  fi
  echo "== installing MariaDB from Debian's packages"
  apt-get update -qq
  # The package's own service must not start: we run a private server below.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
}

start_mariadb() {
  install_mariadb_if_missing
  MARIADB_DATA="$(mktemp -d /tmp/template-mariadb.XXXXXX)"
  local user_option=()
  if [ "$(id -u)" = 0 ]; then
    chown mysql: "$MARIADB_DATA"
    user_option=(--user=mysql)  # mariadbd refuses to run as root
  fi
  mariadb-install-db "${user_option[@]}" --datadir="$MARIADB_DATA" --skip-test-db \
    --auth-root-authentication-method=socket >/dev/null
  # A throwaway server: durability settings off, it is deleted at the end anyway.
  /usr/sbin/mariadbd "${user_option[@]}" --datadir="$MARIADB_DATA" \
    --bind-address=127.0.0.1 --port="$MARIADB_PORT" --socket="$MARIADB_DATA/mysqld.sock" \
    --pid-file="$MARIADB_DATA/mysqld.pid" --log-error="$MARIADB_DATA/error.log" \
    --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --skip-name-resolve --max-connections=300 >/dev/null 2>&1 &
  local waited=0
  until mariadb-admin --socket="$MARIADB_DATA/mysqld.sock" ping >/dev/null 2>&1; do
    waited=$((waited + 1))
    if [ "$waited" -gt 60 ]; then
      echo "MariaDB did not start; its log:" >&2
      cat "$MARIADB_DATA/error.log" >&2
      return 1
    fi
    sleep 1
  done
  mariadb --socket="$MARIADB_DATA/mysqld.sock" -u root -e "
    CREATE USER 'template_tests'@'127.0.0.1' IDENTIFIED BY 'template_tests';
    GRANT ALL PRIVILEGES ON *.* TO 'template_tests'@'127.0.0.1';"
  export TEMPLATE_MYSQL_URL="mysql+pymysql://template_tests:template_tests@127.0.0.1:$MARIADB_PORT/mysql"
  echo "== MariaDB $(/usr/sbin/mariadbd --version | awk '{print $3}') on 127.0.0.1:$MARIADB_PORT"
}

stop_mariadb() {
  if [ -n "${MARIADB_DATA:-}" ] && [ -d "$MARIADB_DATA" ]; then
    mariadb-admin --socket="$MARIADB_DATA/mysqld.sock" -u root shutdown >/dev/null 2>&1 || true
    rm -rf "$MARIADB_DATA"
  fi
}
