"""The machinery beside conftest.py, copied with it: conftest.py tells the story of one test,
these modules do the work that is not that story.

    guard            only databases made for testing: the URL, then what each connection opened
    servers          the test database on a server: create, clone per worker, drop
    sql_watching     what reaches the database: sent_sql, count_queries, pytest --sql-log
    factory_binding  factory-boy factories write through the session of the running test
    sqlite           pysqlite's transaction handling replaced, so SAVEPOINTs really nest
    escapes          writes that escape a test's transaction: a COMMIT refused, a transaction
                     ended early failed, every table compared after the run (or each test)
"""
