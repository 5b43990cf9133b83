"""Deliberate breakages of a generated project, each with the generated tests that must catch it.

tests/test_breakages.py applies each breakage to a copy of a fresh rendering and runs the tests
it names there: every one of them must fail. A breakage no test catches is a promise of the
recipe that nothing proves. Each edit replaces text that must occur exactly once, so a template
change that moves the code fails here instead of silently breaking nothing.

Catchers are generated tests (``file.py::test``) or the checks database_isolation/end_of_run.py
makes at the end of a run (``end_of_run.py::fixture``), which report as a teardown error.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur exactly once) by ``new`` in ``file``; ``{package}`` in
    ``file`` stands for the project's package folder."""

    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Breakage:
    name: str
    what: str
    # The edits in a sync rendering, and in an async one where the broken code differs (None:
    # the same edit of the same code in both, so only the sync rendering is broken).
    sync: tuple[Edit, ...]
    asynchronous: tuple[Edit, ...] | None
    caught_by: tuple[str, ...]
    # What to run, when it is more than the catching tests (an end-of-run check needs a test
    # that gives it something to find).
    run: tuple[str, ...] = ()
    # "postgresql", "mysql": a server-only breakage, run with TEST_DATABASE_URL on that server.
    backend: str = "sqlite"
    # pytest -n: the per-worker databases only exist under xdist.
    workers: int = 0
    # Why a breakage survives in the other API style, where it does.
    note: str = ""

    @property
    def tests_run(self) -> tuple[str, ...]:
        """The generated tests to run: ``run``, then every catcher that is a test."""
        tests = self.run + tuple(c for c in self.caught_by if not c.startswith("end_of_run.py"))
        return tuple(f"tests/{test}" for test in tests)


CONFTEST = "tests/conftest.py"
SQLITE = "tests/database_isolation/sqlite.py"
SERVERS = "tests/database_isolation/servers.py"
GUARD = "tests/database_isolation/guard.py"
ENGINES = "tests/database_isolation/engines.py"
FACTORY_BINDING = "tests/database_isolation/factory_binding.py"
MAIN = "src/{package}/main.py"
HEALTH = "src/{package}/routers/health.py"
QUERY_COUNTS = "tests/test_query_counts.py"
FRESH_READS = "tests/database_isolation/fresh_reads.py"
ENGINE_GUARD = "tests/database_isolation/engine_guard.py"
ESCAPES = "tests/database_isolation/escapes.py"
HEROES = "src/{package}/routers/heroes.py"

END_OF_RUN_COMMITS = "end_of_run.py::nothing_committed_by_the_run"
END_OF_RUN_OVERRIDES = "end_of_run.py::dependency_overrides_restored"
# The message each end-of-run check fails with, as pytest's summary shows it.
END_OF_RUN_MESSAGES = {
    END_OF_RUN_COMMITS: "this run committed rows",
    END_OF_RUN_OVERRIDES: "a test left a dependency override behind",
}

KEEPS_ROWS = "test_isolation.py::test_integrity_error_rollback_keeps_the_tests_own_rows"
NO_COMMIT = "test_isolation.py::test_app_commits_reach_savepoints_and_never_a_commit"
GONE_NEXT_TEST = "test_isolation.py::test_endpoint_commit_is_gone_in_the_next_test"
APP_WRITES_SEEN = "test_isolation.py::test_app_writes_are_visible_to_the_test_session"


def join_mode(mode: str) -> Breakage:
    default = 'join_transaction_mode: JoinTransactionMode = "create_savepoint"'
    edit = Edit(CONFTEST, default, default.replace("create_savepoint", mode))
    return Breakage(
        name=f"join-mode-{mode.replace('_', '-')}",
        what=f"the test's and the app's sessions join in \"{mode}\" mode",
        sync=(edit,),
        asynchronous=None,
        caught_by=(KEEPS_ROWS, NO_COMMIT),
    )


def transaction_rollback(sync_prefix: str) -> Edit:
    rollback = f"    {sync_prefix}shared_connection.rollback()  # the test's transaction"
    return Edit(CONFTEST, rollback, rollback.replace("rollback()", "commit()"))


OVERRIDE_RESTORE = (
    "    app.dependency_overrides.clear()\n    app.dependency_overrides.update(saved_overrides)\n"
)
OVERRIDE_INSTALL = (
    "    app.dependency_overrides[app_session_dependency] = sessions_for_the_app(session_factory)\n"
)

BREAKAGES = [
    join_mode("conditional_savepoint"),
    join_mode("rollback_only"),
    join_mode("control_fully"),
    Breakage(
        name="sqlite-savepoint-workaround-removed",
        what="pysqlite left to handle transactions itself (no isolation_level=None, no BEGIN)",
        sync=(
            Edit(SQLITE, "dbapi_connection.isolation_level = None", "pass"),
            Edit(SQLITE, 'connection.exec_driver_sql("BEGIN")', "pass"),
        ),
        asynchronous=None,
        caught_by=("test_isolation.py::test_sqlite_needs_the_savepoint_workaround", GONE_NEXT_TEST),
    ),
    Breakage(
        name="static-pool-removed",
        what="the in-memory test engine without poolclass=StaticPool",
        sync=(Edit(ENGINES, "poolclass=StaticPool, ", ""),),
        asynchronous=None,
        caught_by=(
            "test_isolation.py::test_every_checkout_of_the_test_engine_reaches_the_one_database",
        ),
        note="async: SQLAlchemy picks StaticPool for aiosqlite in memory even unasked",
    ),
    Breakage(
        name="foreign-keys-pragma-removed",
        what="SQLite connections without PRAGMA foreign_keys=ON",
        sync=(Edit(SQLITE, 'dbapi_connection.cursor().execute("PRAGMA foreign_keys=ON")', "pass"),),
        asynchronous=None,
        caught_by=("test_teams_api.py::test_delete_team_with_heroes_answers_409",),
    ),
    Breakage(
        name="test-database-guard-disabled",
        what="any database name accepted as a test database",
        sync=(
            Edit(
                GUARD,
                'return TEST_DATABASE_NAME.fullmatch(url.database or "") is not None',
                "return True",
            ),
        ),
        asynchronous=None,
        caught_by=("test_isolation.py::test_a_server_database_without_the_test_suffix_is_refused",),
    ),
    Breakage(
        name="per-worker-clone-skipped",
        what="every xdist worker on the one test database",
        sync=(
            Edit(
                SERVERS,
                'return worker_database(url, worker, os.environ["PYTEST_XDIST_TESTRUNUID"][:8])',
                "return url",
            ),
        ),
        asynchronous=None,
        caught_by=("test_isolation.py::test_each_xdist_worker_has_a_database_of_its_own",),
        backend="postgresql",
        workers=2,
    ),
    Breakage(
        name="dependency-override-not-restored",
        what="the client fixture leaves its override of the session dependency in place",
        sync=(Edit(CONFTEST, OVERRIDE_RESTORE, ""),),
        asynchronous=None,
        caught_by=(END_OF_RUN_OVERRIDES,),
        run=("test_health.py::test_live_answers_200",),
    ),
    Breakage(
        name="dependency-override-not-installed",
        what="the app keeps its own session factory (the lifespan's engine) during tests",
        sync=(Edit(CONFTEST, OVERRIDE_INSTALL, ""),),
        asynchronous=None,
        caught_by=(APP_WRITES_SEEN, "test_isolation.py::test_the_apps_own_engine_is_never_used"),
    ),
    Breakage(
        name="outer-transaction-committed",
        what="the transaction fixture commits instead of rolling back",
        sync=(transaction_rollback(""),),
        asynchronous=(transaction_rollback("await "),),
        caught_by=(GONE_NEXT_TEST,),
    ),
    Breakage(
        name="outer-transaction-committed-on-a-server",
        what="the same, on PostgreSQL: escapes.py refuses the COMMIT, an error at the teardown",
        sync=(transaction_rollback(""),),
        asynchronous=None,
        caught_by=("test_server.py::test_endpoint_commit_is_invisible_to_another_connection",),
        backend="postgresql",
    ),
    Breakage(
        name="factories-outside-the-test-transaction",
        what="factories write through a session of their own on the engine",
        sync=(
            Edit(
                CONFTEST,
                "factory_binding.writing_to(session)",
                "factory_binding.writing_to(Session(transaction.connection.engine))",
            ),
        ),
        asynchronous=(
            Edit(
                CONFTEST,
                "factory_binding.writing_to(session.sync_session)",
                "factory_binding.writing_to("
                "__import__('sqlalchemy.orm').orm.Session(transaction.connection.engine.sync_engine))",
            ),
        ),
        caught_by=(KEEPS_ROWS,),
    ),
    Breakage(
        name="faker-not-reseeded",
        what="Faker not reseeded from the test's id (the sequences still reset)",
        sync=(
            Edit(
                FACTORY_BINDING,
                "    start_fake_data_for(request.node.nodeid)",
                "    reset_factory_sequences()",
            ),
        ),
        asynchronous=None,
        caught_by=("test_factories.py::test_fake_data_depends_on_the_test_alone",),
    ),
    Breakage(
        name="allow-header-emptied",
        what="every 405 answers with an empty Allow header",
        sync=(
            Edit(
                MAIN,
                'headers={"Allow": ", ".join(methods_answered(request))}',
                'headers={"Allow": ""}',
            ),
        ),
        asynchronous=None,
        caught_by=(
            "test_api_schema.py::test_every_other_method_answers_405_naming_the_paths_methods",
        ),
    ),
    Breakage(
        name="readiness-without-a-query",
        what="/health/ready answers 200 without asking the database",
        sync=(Edit(HEALTH, 'session.scalar(text("SELECT 1"))', "pass"),),
        asynchronous=(Edit(HEALTH, 'await session.scalar(text("SELECT 1"))', "pass"),),
        caught_by=("test_health.py::test_ready_answers_503_when_the_database_is_unreachable",),
    ),
]

BREAKAGES += [
    Breakage(
        name="test-sessions-configured-unlike-the-apps",
        what="the test's sessions get an option the app's do not (autoflush=False)",
        sync=(
            Edit(
                CONFTEST,
                "bind=connection, class_=Session, join_transaction_mode",
                "bind=connection, class_=Session, autoflush=False, join_transaction_mode",
            ),
        ),
        asynchronous=None,
        caught_by=("test_isolation.py::test_sessions_are_configured_like_the_apps",),
    ),
    Breakage(
        name="heroes-listed-without-eager-loading",
        what="the heroes are listed without selectinload: one more query per hero's team",
        sync=(Edit(QUERY_COUNTS, ".options(selectinload(Hero.team))", ""),),
        asynchronous=None,
        caught_by=(
            "test_query_counts.py::"
            "test_listing_heroes_with_their_teams_takes_two_queries_however_many",
        ),
    ),
    Breakage(
        name="mysql-implicit-commits-allowed",
        what="on MySQL, DDL inside a test commits the test's transaction unnoticed",
        sync=(Edit(CONFTEST, "servers.refuse_implicit_commits_on(connection)", "pass"),),
        asynchronous=None,
        caught_by=("test_mysql.py::test_ddl_inside_a_test_fails_instead_of_committing",),
        backend="mysql",
    ),
    Breakage(
        name="fresh-reads-off",
        what="the test's session answers queries and get() from its identity map",
        sync=(
            Edit(
                FRESH_READS,
                '    event.listen(sync_session, "do_orm_execute", populate_existing)\n',
                "",
            ),
            Edit(FRESH_READS, "reading_the_row(sync_session.get)", "sync_session.get"),
        ),
        asynchronous=None,
        caught_by=(
            "test_fresh_reads.py::test_the_tests_session_sees_what_requests_changed_and_deleted",
        ),
    ),
    Breakage(
        name="connection-check-disabled",
        what="no engine asks the server which database a new connection opened",
        sync=(
            Edit(GUARD, 'event.listen(Engine, "engine_connect", verify_database_reached)', "pass"),
        ),
        asynchronous=None,
        caught_by=(
            "test_isolation.py::test_a_connection_to_a_database_not_made_for_testing_is_refused",
        ),
    ),
    Breakage(
        name="engine-guard-disabled",
        what="engines may connect to any database during the run",
        sync=(
            Edit(
                ENGINE_GUARD, 'event.listen(Engine, "do_connect", refuse_other_databases)', "pass"
            ),
        ),
        asynchronous=None,
        caught_by=(
            "test_engine_guard.py::test_an_engine_on_a_sqlite_file_is_refused_before_the_file_exists",
            "test_engine_guard.py::"
            "test_an_engine_on_another_server_database_is_refused_without_its_password",
        ),
    ),
    Breakage(
        name="creator-connections-unchecked",
        what="an engine built with creator= connects past the engine guard",
        sync=(
            Edit(
                ENGINE_GUARD, 'event.listen(Pool, "connect", refuse_what_a_creator_opened)', "pass"
            ),
        ),
        asynchronous=None,
        caught_by=(
            "test_engine_guard.py::test_an_engine_with_a_creator_is_refused_before_its_first_statement",
        ),
    ),
    Breakage(
        name="engine-advice-withheld",
        what="the check of the database opened tells an app's engine to check TEST_DATABASE_URL",
        sync=(Edit(GUARD, "    if carries_the_marker(told):", "    if True:"),),
        asynchronous=None,
        caught_by=(
            "test_engine_guard.py::"
            "test_an_engine_of_the_apps_own_is_told_to_take_its_url_from_the_settings",
        ),
    ),
    Breakage(
        name="commit-refusal-removed",
        what="a COMMIT on the test's connection is sent",
        sync=(Edit(CONFTEST, "escapes.refuse_commits_on(connection)", "None"),),
        asynchronous=None,
        caught_by=("test_escapes.py::test_commit_on_the_tests_connection_is_refused",),
    ),
    Breakage(
        name="settings-not-pointed-at-the-test-database",
        what="the app's DATABASE_URL is left as the developer's settings give it",
        sync=(Edit(CONFTEST, 'os.environ["DATABASE_URL"] = APP_DATABASE_URL', "APP_DATABASE_URL"),),
        asynchronous=None,
        caught_by=(
            "test_escapes.py::"
            "test_an_engine_built_from_the_settings_commits_for_real_where_the_check_sees_it",
        ),
        backend="postgresql",
    ),
    Breakage(
        name="escape-comparison-blind",
        what="the end-of-run comparison finds no table changed",
        sync=(Edit(ESCAPES, "if before.get(table) != after.get(table)", "if False"),),
        asynchronous=None,
        caught_by=(
            "test_escapes.py::"
            "test_the_apps_own_session_factory_commits_for_real_where_the_check_sees_it",
        ),
        backend="postgresql",
    ),
    Breakage(
        name="foreign-key-answered-as-a-taken-name",
        what="a hero whose team is deleted meanwhile is refused as if its name were taken",
        sync=(
            Edit(
                HEROES, 'f"team {team_id} does not exist"', '"a hero with this name already exists"'
            ),
        ),
        asynchronous=None,
        caught_by=("test_server.py::test_hero_created_while_its_team_is_deleted_answers_422",),
        backend="postgresql",
    ),
]

BY_NAME = {breakage.name: breakage for breakage in BREAKAGES}
