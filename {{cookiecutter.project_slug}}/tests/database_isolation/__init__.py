"""The machinery beside conftest.py, copied with it: conftest.py tells the story of one test,
these modules do the work that is not that story.

    guard            only databases made for testing: the URL, then what each connection opened
    servers          the test database on a server: create, clone per worker, drop
    engines          the suite's one engine, on the server or on in-memory SQLite
    engine_guard     no engine but the test's: any other database is refused before it connects
    schema           the schema every test starts from: SCHEMA's migrations or tables
    app_sessions     the app's sessions during a test: its dependency's stand-in, and the
                     module-level sessionmakers it calls directly, bound to the test's connection
    fresh_reads      the test's session reads what the requests committed, never old copies
    sql_watching     what reaches the database: sent_sql, count_queries, pytest --sql-log
    factory_binding  factories (factory-boy, polyfactory) write through the running test's session
    sqlite           pysqlite's transaction handling replaced, so SAVEPOINTs really nest
    escapes          writes that escape a test's transaction: a COMMIT refused, a transaction
                     ended early failed, every table compared after the run (or each test)
"""

# The modules that are pytest plugins, as conftest.py lists them in ``pytest_plugins``: per-worker
# databases, the engine guard, the embedded server, --sql-log, factories, module-level sessions,
# and the checks that nothing was committed or left overridden.
PLUGINS = [
    "database_isolation.servers",
    "database_isolation.engine_guard",
    "database_isolation.embedded_postgresql",
    "database_isolation.sql_watching",
    "database_isolation.factory_binding",
    "database_isolation.app_sessions",
    "database_isolation.escapes",
    "database_isolation.end_of_run",
]
