"""The generated conftest works in a repo this template did not generate.

A small shop app in another style (plain SQLAlchemy, a module-level sessionmaker, a `get_db`
dependency, tables from metadata instead of Alembic) receives the generated tests/conftest.py
and tests/database_isolation/; only the conftest's "Adapt this block" is edited, as README.md
tells a user to. Its own small suite then proves the isolation there, on SQLite and on PostgreSQL.
An accounts app (a seeded superuser, polyfactory without factory-boy, migrations for PostgreSQL
only; sync on psycopg, async on asyncpg) does the same on its own driver. Three more apps must be
stopped (a start-up create_all on a module-level engine; an env.py that ignores the passed
connection, or connects through a creator of its own) before the developer's database, a file or
a server's, gets a table, and the test database such a run created is dropped again.
"""

import difflib
import re
import shutil
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from tests.conftest import (
    Rendering,
    assert_suite_passed,
    connected,
    create_database,
    database_names,
    drop_database,
    render,
    row_counts,
    run_python,
)

BLOCK_START = "# ---- Adapt this block"
BLOCK_END = re.compile(r"^# -+$", re.MULTILINE)  # the first line of dashes after the start
MOST_LINES_EDITED = 6
MOST_CONFTEST_LINES = 200

# The marked block's lines as generated, and what a user of the shop app writes instead.
BLOCK_EDITS = {
    "from hero_service.db import (\n    get_session_factory as app_session_dependency,\n)": (
        "from shop.database import db_session, get_db as app_session_dependency"
    ),
    "from hero_service.main import app": "from shop.main import app\nfrom shop.models import Base",
    'SCHEMA: schema.Schema = Path(__file__).parents[1] / "alembic.ini"': (
        "SCHEMA: schema.Schema = Base.metadata"
    ),
    "SEED: schema.Seed | None = None": "from shop.seed import add_house_brand as SEED",
    "MODULE_SESSIONS: list[app_sessions.ModuleSessions] = []": "MODULE_SESSIONS = [db_session]",
}

MODELS = """
    from sqlalchemy import Column, Integer, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()


    class Product(Base):
        __tablename__ = "products"
        id = Column(Integer, primary_key=True)
        name = Column(String(50), unique=True, nullable=False)
"""

SHOP = {
    "sync": {
        "shop/database.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import scoped_session, sessionmaker

            engine = create_engine("sqlite:///./shop.db", connect_args={"check_same_thread": False})
            SessionLocal = sessionmaker(bind=engine, autoflush=False)
            db_session = scoped_session(SessionLocal)  # the import job's, no dependency


            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()
        """,
        "shop/main.py": """
            from fastapi import Depends, FastAPI, HTTPException
            from fastapi.middleware.trustedhost import TrustedHostMiddleware
            from pydantic import BaseModel
            from sqlalchemy.exc import IntegrityError
            from sqlalchemy.orm import Session

            from shop.database import db_session, get_db
            from shop.models import Product

            app = FastAPI()
            app.add_middleware(TrustedHostMiddleware, allowed_hosts=["localhost"])


            class ProductIn(BaseModel):
                name: str


            @app.post("/products/imported", status_code=201)
            def import_product(body: ProductIn):
                db_session.add(Product(name=body.name))
                db_session.commit()
                return {"name": body.name}


            @app.post("/products/queued", status_code=202)
            def queue_product(body: ProductIn):
                db_session.add(Product(name=body.name))  # written by the job's next commit
                return {"name": body.name}


            @app.post("/products", status_code=201)
            def create_product(body: ProductIn, db: Session = Depends(get_db)):
                product = Product(name=body.name)
                db.add(product)
                try:
                    db.commit()
                except IntegrityError:
                    db.rollback()
                    raise HTTPException(409, "name taken")
                db.refresh(product)
                return {"id": product.id, "name": product.name}


            @app.delete("/products/{product_id}", status_code=204)
            def delete_product(product_id: int, db: Session = Depends(get_db)):
                db.delete(db.get(Product, product_id))
                db.commit()
        """,
        "shop/tests/test_shop.py": """
            import factory
            import pytest
            from factory.alchemy import SQLAlchemyModelFactory
            from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory
            from sqlalchemy import func, select

            from shop.models import Product
            from database_isolation.factory_binding import current_session


            class ProductFactory(SQLAlchemyModelFactory):
                class Meta:
                    model = Product
                    sqlalchemy_session_factory = current_session
                    sqlalchemy_session_persistence = "flush"

                name = factory.Sequence(lambda n: f"Product {n}")


            class PolyProductFactory(SQLAlchemyFactory[Product]):
                __session__ = current_session  # its commit() only releases a SAVEPOINT
                __set_primary_key__ = False


            def count_products(session):
                return session.scalar(select(func.count()).select_from(Product))


            @pytest.mark.parametrize("turn", ["one", "two"])
            def test_endpoint_commit_is_gone_in_the_next_test(turn, client, session):
                assert count_products(session) == 1  # the seed's
                assert client.post("/products", json={"name": "Committed"}).status_code == 201
                assert count_products(session) == 2


            def test_integrity_error_rollback_keeps_the_fixture_rows(client, session):
                ProductFactory.create(name="Fixture")
                assert client.post("/products", json={"name": "Fixture"}).status_code == 409
                assert count_products(session) == 2
                assert client.post("/products", json={"name": "Second"}).status_code == 201
                assert count_products(session) == 3


            def test_a_product_the_api_deleted_is_gone_from_the_tests_session(client, session):
                product = ProductFactory.create(name="Doomed")
                assert client.delete(f"/products/{product.id}").status_code == 204
                assert session.get(Product, product.id) is None


            @pytest.mark.parametrize("turn", ["one", "two"])
            def test_every_test_starts_with_the_seed_whatever_the_last_deleted(
                turn, client, session
            ):
                house_brand = session.scalar(select(Product).where(Product.name == "House brand"))
                assert client.delete(f"/products/{house_brand.id}").status_code == 204
                assert count_products(session) == 0


            @pytest.mark.parametrize("turn", ["one", "two"])
            def test_a_module_level_scoped_session_commits_into_a_savepoint(turn, client, session):
                response = client.post("/products/imported", json={"name": "Imported"})
                assert response.status_code == 201
                assert count_products(session) == 2  # the seed's and this test's, no other
                # Left in the job's session: gone with this test, never written by the next.
                response = client.post("/products/queued", json={"name": f"Queued {turn}"})
                assert response.status_code == 202


            @pytest.mark.parametrize("turn", ["one", "two"])
            def test_polyfactory_commits_into_a_savepoint(turn, client, session):
                product = PolyProductFactory.create_sync()
                assert client.delete(f"/products/{product.id}").status_code == 204
                assert count_products(session) == 1  # the seed's: this test's is gone, no other
        """,
        "pyproject.toml": """
            [tool.pytest.ini_options]
            testpaths = ["shop/tests"]
        """,
    },
    "async": {
        "shop/database.py": """
            from asyncio import current_task

            from sqlalchemy.ext.asyncio import (
                async_scoped_session,
                async_sessionmaker,
                create_async_engine,
            )

            engine = create_async_engine("sqlite+aiosqlite:///./shop.db")
            SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
            db_session = async_scoped_session(SessionLocal, current_task)  # the import job's


            async def get_db():
                async with SessionLocal() as db:
                    yield db
        """,
        "shop/main.py": """
            from fastapi import Depends, FastAPI, HTTPException
            from fastapi.middleware.trustedhost import TrustedHostMiddleware
            from pydantic import BaseModel
            from sqlalchemy.exc import IntegrityError
            from sqlalchemy.ext.asyncio import AsyncSession

            from shop.database import SessionLocal, db_session, get_db
            from shop.models import Product

            app = FastAPI()
            app.add_middleware(TrustedHostMiddleware, allowed_hosts=["localhost"])


            class ProductIn(BaseModel):
                name: str


            @app.post("/products/imported", status_code=201)
            async def import_product(body: ProductIn):
                async with SessionLocal() as db:  # no dependency: straight from the sessionmaker
                    db.add(Product(name=body.name))
                    await db.commit()
                return {"name": body.name}


            @app.post("/products/imported/scoped", status_code=201)
            async def import_product_in_the_tasks_session(body: ProductIn):
                db_session.add(Product(name=body.name))  # the task's session, no dependency
                await db_session.commit()
                return {"name": body.name}


            @app.post("/products/queued", status_code=202)
            async def queue_product(body: ProductIn):
                db_session.add(Product(name=body.name))  # written by the task's next commit
                return {"name": body.name}


            @app.post("/products", status_code=201)
            async def create_product(body: ProductIn, db: AsyncSession = Depends(get_db)):
                product = Product(name=body.name)
                db.add(product)
                try:
                    await db.commit()
                except IntegrityError:
                    await db.rollback()
                    raise HTTPException(409, "name taken")
                return {"id": product.id, "name": product.name}


            @app.delete("/products/{product_id}", status_code=204)
            async def delete_product(product_id: int, db: AsyncSession = Depends(get_db)):
                await db.delete(await db.get(Product, product_id))
                await db.commit()
        """,
        "shop/tests/test_shop.py": """
            import pytest
            from factory.alchemy import SQLAlchemyModelFactory
            from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory
            from sqlalchemy import func, select

            from shop.database import db_session
            from shop.models import Product
            from database_isolation.factory_binding import current_async_session, current_session


            class ProductFactory(SQLAlchemyModelFactory):
                class Meta:
                    model = Product
                    sqlalchemy_session_factory = current_session
                    sqlalchemy_session_persistence = None


            class PolyProductFactory(SQLAlchemyFactory[Product]):
                __async_session__ = current_async_session  # its commit() only releases a SAVEPOINT
                __set_primary_key__ = False


            async def count_products(session):
                return await session.scalar(select(func.count()).select_from(Product))


            @pytest.mark.parametrize("turn", ["one", "two"])
            async def test_endpoint_commit_is_gone_in_the_next_test(turn, client, session):
                assert await count_products(session) == 1  # the seed's
                response = await client.post("/products", json={"name": "Committed"})
                assert response.status_code == 201
                assert await count_products(session) == 2


            async def test_integrity_error_rollback_keeps_the_fixture_rows(client, session):
                ProductFactory.create(name="Fixture")
                await session.flush()
                response = await client.post("/products", json={"name": "Fixture"})
                assert response.status_code == 409
                assert await count_products(session) == 2
                response = await client.post("/products", json={"name": "Second"})
                assert response.status_code == 201
                assert await count_products(session) == 3


            async def test_a_product_the_api_deleted_is_gone_from_the_tests_session(
                client, session
            ):
                product = ProductFactory.create(name="Doomed")
                await session.flush()
                assert (await client.delete(f"/products/{product.id}")).status_code == 204
                assert await session.get(Product, product.id) is None


            @pytest.mark.parametrize("turn", ["one", "two"])
            async def test_every_test_starts_with_the_seed_whatever_the_last_deleted(
                turn, client, session
            ):
                statement = select(Product).where(Product.name == "House brand")
                house_brand = await session.scalar(statement)
                assert (await client.delete(f"/products/{house_brand.id}")).status_code == 204
                assert await count_products(session) == 0


            @pytest.mark.parametrize("turn", ["one", "two"])
            async def test_module_level_sessions_commit_into_savepoints(turn, client, session):
                assert db_session.registry.registry == {}  # no earlier test's session is left
                for path in ("/products/imported", "/products/imported/scoped"):
                    response = await client.post(path, json={"name": path})
                    assert response.status_code == 201
                assert await count_products(session) == 3  # the seed's and this test's, no other
                response = await client.post("/products/queued", json={"name": f"Queued {turn}"})
                assert response.status_code == 202


            @pytest.mark.parametrize("turn", ["one", "two"])
            async def test_polyfactory_commits_into_a_savepoint(turn, client, session):
                product = await PolyProductFactory.create_async()
                assert (await client.delete(f"/products/{product.id}")).status_code == 204
                assert await count_products(session) == 1  # the seed's: this one is gone, no other
        """,
        "pyproject.toml": """
            [tool.pytest.ini_options]
            testpaths = ["shop/tests"]
            asyncio_mode = "auto"
            asyncio_default_fixture_loop_scope = "session"
            asyncio_default_test_loop_scope = "session"
        """,
    },
}
# The shop's tests live in a package named `tests` inside its app package: the conftest and
# database_isolation/ go beside them, and import by their own names, never through `tests`.
SHOP_TESTS_FOLDER = "shop/tests"
SOURCES = {
    "shop/__init__.py": "",
    "shop/tests/__init__.py": "",
    "shop/models.py": MODELS,
    "shop/seed.py": """
        from sqlalchemy import select

        from shop.models import Product


        def add_house_brand(session):
            if session.scalar(select(Product).where(Product.name == "House brand")) is None:
                session.add(Product(name="House brand"))
    """,
}
SHOP_TESTS = 10


def marked_block(conftest: str) -> tuple[int, int]:
    """Where the marked block starts and ends in ``conftest``."""
    start = conftest.index(BLOCK_START)
    end = BLOCK_END.search(conftest, start)
    assert end, "the marked block has no closing line"
    return start, end.end()


def edit_marked_block(conftest: str, edits: dict[str, str] = BLOCK_EDITS) -> str:
    """The conftest with ``edits`` applied; fails if an edit would reach outside the block."""
    start, end = marked_block(conftest)
    block = conftest[start:end]
    for generated, adapted in edits.items():
        assert block.count(generated) == 1, f"not once in the marked block: {generated}"
        block = block.replace(generated, adapted)
    return conftest[:start] + block + conftest[end:]


def edited_lines(before: str, after: str) -> int:
    """How many lines an edit removed or added, counting a replaced line once."""
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return sum(1 for line in diff if line.startswith("+ "))


def build_repo(
    root: Path,
    rendering: Rendering,
    sources: dict[str, str],
    tests_folder: str,
    edits: dict[str, str] = BLOCK_EDITS,
) -> Path:
    """A repo of ``sources``, plus the generated conftest (its block edited) and its
    database_isolation/ copied into ``tests_folder``."""
    for relative, source in sources.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    generated_tests = rendering.path / "tests"
    tests = root / tests_folder
    shutil.copytree(generated_tests / "database_isolation", tests / "database_isolation")
    conftest = (generated_tests / "conftest.py").read_text()
    (tests / "conftest.py").write_text(edit_marked_block(conftest, edits))
    return root


RENDERINGS: dict[str, Rendering] = {}


def rendering_for(api: str, tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """A project generated with plain SQLAlchemy for ``api``, rendered once per process."""
    if api not in RENDERINGS:
        output = tmp_path_factory.mktemp(f"generated-{api}")
        RENDERINGS[api] = render(output, orm="sqlalchemy", api=api)
    return RENDERINGS[api]


@pytest.fixture(scope="module", params=["sync", "async"])
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop repo, with the conftest of a project generated for the same api."""
    api: str = request.param
    rendering = rendering_for(api, tmp_path_factory)
    root = tmp_path_factory.mktemp(f"shop-{api}")
    return build_repo(root, rendering, {**SOURCES, **SHOP[api]}, SHOP_TESTS_FOLDER)


@pytest.mark.parametrize("app", ["shop", "accounts"])
def test_the_marked_block_is_all_a_user_edits(default_rendering: Rendering, app: str) -> None:
    """Each foreign app's edit stays inside the marked block and changes at most six of its
    lines (the accounts app's SCHEMA differing per backend included)."""
    conftest = (default_rendering.path / "tests" / "conftest.py").read_text()

    adapted = edit_marked_block(conftest, BLOCK_EDITS if app == "shop" else ACCOUNTS_EDITS)

    assert edited_lines(conftest, adapted) <= MOST_LINES_EDITED
    start, end = marked_block(conftest)
    adapted_start, adapted_end = marked_block(adapted)
    assert adapted[:adapted_start] == conftest[:start]
    assert adapted[adapted_end:] == conftest[end:]


def test_the_conftest_tells_one_story_in_at_most_200_lines(rendering: Rendering) -> None:
    """The conftest stays short enough to read as the life of one test, in every rendering:
    the machinery lives in database_isolation/."""
    conftest = (rendering.path / "tests" / "conftest.py").read_text()

    assert len(conftest.splitlines()) <= MOST_CONFTEST_LINES


def test_copied_conftest_isolates_the_shop_on_sqlite(shop: Path) -> None:
    """An endpoint's commit is gone in the next test, in either order; an IntegrityError
    rollback keeps the factory's row; the test's session sees the API's delete without
    expire_all(); TrustedHostMiddleware admits the client. An empty TEST_DATABASE_URL is unset."""
    summary = assert_suite_passed(
        run_python(shop, "-m", "pytest", "-p", "randomly", TEST_DATABASE_URL="")
    )

    assert f"{SHOP_TESTS} passed" in summary
    assert not (shop / "shop.db").exists()


@pytest.fixture
def shop_test_database(postgresql_server: URL) -> Iterator[URL]:
    """An existing, empty test database for the shop, dropped afterwards."""
    name = f"shop_{uuid.uuid4().hex[:8]}_test"
    create_database(postgresql_server, name)
    yield postgresql_server.set(database=name)
    drop_database(postgresql_server, name)


@pytest.mark.postgresql
def test_copied_conftest_isolates_the_shop_on_postgresql(
    shop: Path, shop_test_database: URL, postgresql_server: URL
) -> None:
    """With two workers, each on its own clone of the seeded database: the suite passes, the
    test database it found is left with its tables created from metadata and nothing in them
    but the seed, and no worker's clone is left on the server."""
    url = shop_test_database.render_as_string(hide_password=False)

    summary = assert_suite_passed(
        run_python(shop, "-m", "pytest", "-n", "2", "-p", "randomly", TEST_DATABASE_URL=url)
    )

    assert f"{SHOP_TESTS} passed" in summary
    assert row_counts(shop_test_database) == {"products": 1}  # the seed: the starting state
    clone = f"{str(shop_test_database.database).removesuffix('_test')}_gw"  # shop_1234_gw0_...
    assert {name for name in database_names(postgresql_server) if name.startswith(clone)} == set()


# What an async repo's pyproject.toml tells pytest-asyncio (its tests in a top-level tests/).
ASYNC_PYPROJECT = """
    [tool.pytest.ini_options]
    asyncio_mode = "auto"
    asyncio_default_fixture_loop_scope = "session"
    asyncio_default_test_loop_scope = "session"
"""

# The driver a foreign app's own engine uses on a server, per api: the one its tests must run on.
SERVER_DRIVERS = {"sync": "psycopg", "async": "asyncpg"}

# A tutorial-style app: a module-level engine on its own SQLite file (or the developer's server
# database TUTORIAL_DATABASE_URL names), and a start-up that creates the tables on it. Copied as
# is, its start-up must be refused before the file exists, or the database gets a table.
TUTORIAL = {
    "tutorial/__init__.py": "",
    "tutorial/models.py": MODELS,
}
TUTORIAL_BY_API = {
    "sync": {
        "tutorial/main.py": """
            import os
            from contextlib import asynccontextmanager

            from fastapi import Depends, FastAPI
            from sqlalchemy import create_engine, select
            from sqlalchemy.orm import Session

            from tutorial.models import Base, Product

            url = os.environ.get("TUTORIAL_DATABASE_URL", "sqlite:///./tutorial.db")
            connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
            engine = create_engine(url, connect_args=connect_args)


            @asynccontextmanager
            async def lifespan(app):
                Base.metadata.create_all(engine)
                yield


            app = FastAPI(lifespan=lifespan)


            def get_session():
                with Session(engine) as session:
                    yield session


            @app.get("/products")
            def list_products(session: Session = Depends(get_session)):
                return [product.name for product in session.scalars(select(Product))]
        """,
        "tests/test_tutorial.py": """
            def test_lists_no_products(client):
                assert client.get("/products").json() == []
        """,
    },
    "async": {
        "tutorial/main.py": """
            import os
            from contextlib import asynccontextmanager

            from fastapi import Depends, FastAPI
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

            from tutorial.models import Base, Product

            url = os.environ.get("TUTORIAL_DATABASE_URL", "sqlite+aiosqlite:///./tutorial.db")
            engine = create_async_engine(url)


            @asynccontextmanager
            async def lifespan(app):
                async with engine.begin() as connection:
                    await connection.run_sync(Base.metadata.create_all)
                yield


            app = FastAPI(lifespan=lifespan)


            async def get_session():
                async with AsyncSession(engine) as session:
                    yield session


            @app.get("/products")
            async def list_products(session: AsyncSession = Depends(get_session)):
                return [product.name for product in await session.scalars(select(Product))]
        """,
        "tests/test_tutorial.py": """
            async def test_lists_no_products(client):
                assert (await client.get("/products")).json() == []
        """,
        "pyproject.toml": ASYNC_PYPROJECT,
    },
}
TUTORIAL_EDITS = {
    "from hero_service.db import (\n    get_session_factory as app_session_dependency,\n)": (
        "from tutorial.main import get_session as app_session_dependency"
    ),
    "from hero_service.main import app": (
        "from tutorial.main import app\nfrom tutorial.models import Base"
    ),
    'SCHEMA: schema.Schema = Path(__file__).parents[1] / "alembic.ini"': (
        "SCHEMA: schema.Schema = Base.metadata"
    ),
}

# A repo whose migrations/env.py ignores the connection the conftest passes and connects to the
# database its own configuration names (the developer's): alembic.ini's URL unless
# SHOP_DATABASE_URL overrides it (sync), or the app's settings, through an engine and an event
# loop of its own (async, as Alembic's async template does). SCHEMA, as generated, names that
# alembic.ini.
IGNORING_ENV = {
    "shop/__init__.py": "",
    "shop/models.py": MODELS,
    "shop/seed.py": SOURCES["shop/seed.py"],
    "migrations/versions/0001_products.py": """
        import sqlalchemy as sa
        from alembic import op

        revision = "0001"
        down_revision = None


        def upgrade():
            op.create_table("products", sa.Column("id", sa.Integer, primary_key=True))
    """,
    "tests/test_products.py": """
        def test_reaches_the_database(session):
            assert session is not None  # never runs: the migrations stop the run first
    """,
}
IGNORING_ENV_BY_API = {
    "sync": {
        "alembic.ini": """
            [alembic]
            script_location = migrations
            sqlalchemy.url = sqlite:///./development.db
        """,
        "migrations/env.py": """
            import os

            from alembic import context
            from sqlalchemy import engine_from_config, pool

            config = context.config
            section = config.get_section(config.config_ini_section)
            if "SHOP_DATABASE_URL" in os.environ:
                section["sqlalchemy.url"] = os.environ["SHOP_DATABASE_URL"]
            connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
            with connectable.connect() as connection:
                context.configure(connection=connection)
                with context.begin_transaction():
                    context.run_migrations()
        """,
    },
    "async": {
        "shop/settings.py": """
            import os

            DATABASE_URL = os.environ.get("SHOP_DATABASE_URL", "sqlite+aiosqlite:///./development.db")
        """,
        "alembic.ini": """
            [alembic]
            script_location = migrations
        """,
        "migrations/env.py": """
            import asyncio

            from alembic import context
            from sqlalchemy.ext.asyncio import create_async_engine

            from shop.settings import DATABASE_URL


            def run_migrations(connection):
                context.configure(connection=connection)
                with context.begin_transaction():
                    context.run_migrations()


            async def run_async_migrations():
                engine = create_async_engine(DATABASE_URL)
                async with engine.connect() as connection:
                    await connection.run_sync(run_migrations)
                await engine.dispose()


            asyncio.run(run_async_migrations())
        """,
        "pyproject.toml": ASYNC_PYPROJECT,
    },
}


def tutorial_repo(api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tutorial-style repo, with the conftest of a project generated for ``api``."""
    rendering = rendering_for(api, tmp_path_factory)
    sources = {**TUTORIAL, **TUTORIAL_BY_API[api]}
    root = tmp_path_factory.mktemp(f"tutorial-{api}")
    return build_repo(root, rendering, sources, "tests", TUTORIAL_EDITS)


def run_beside_a_developers_database(
    repo: Path, server: URL, app: str, variable: str, drivername: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    """The repo's suite on a test database of its own, ``variable`` naming a developer's
    database on ``server`` (through ``drivername``), as the app's configuration would. Asserts
    that the run left that database without a table and dropped the test database it created;
    returns the run and the developer database's name. Both are dropped afterwards."""
    developers = f"{app}_{uuid.uuid4().hex[:8]}_development"
    test_database = f"{app}_{uuid.uuid4().hex[:8]}_test"
    urls = {
        "TEST_DATABASE_URL": server.set(database=test_database),
        variable: server.set(drivername=drivername, database=developers),
    }
    create_database(server, developers)
    try:
        result = run_python(
            repo,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            **{name: url.render_as_string(hide_password=False) for name, url in urls.items()},
        )
        output = result.stdout[-3000:] + result.stderr[-2000:]
        assert table_names(server.set(database=developers)) == set(), output
        assert test_database not in database_names(server), f"{test_database} was left\n{output}"
    finally:
        drop_database(server, developers)
        drop_database(server, test_database)
    return result, developers


def table_names(database: URL) -> set[str]:
    """Every table in ``database``, Alembic's bookkeeping table included."""
    with connected(database) as connection:
        return set(inspect(connection).get_table_names())


@pytest.mark.parametrize("api", ["sync", "async"])
def test_an_app_whose_start_up_builds_its_own_engine_is_stopped_before_it_connects(
    api: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A module-level engine on the app's own SQLite file, used by a start-up create_all: the
    run fails naming the file and the fix, and the file is never created."""
    repo = tutorial_repo(api, tmp_path_factory)

    result = run_python(repo, "-m", "pytest", "-p", "no:randomly")

    assert result.returncode != 0
    driver = "pysqlite" if api == "sync" else "aiosqlite"
    refused = f"ForeignDatabaseError: an engine tried to connect to sqlite+{driver}:///"
    assert refused in result.stdout
    assert "tutorial.db during the tests: make the app take its database URL" in result.stdout
    assert not (repo / "tutorial.db").exists()


@pytest.mark.postgresql
@pytest.mark.parametrize("api", ["sync", "async"])
def test_an_app_whose_start_up_builds_its_own_engine_leaves_the_developers_database_empty(
    api: str, tmp_path_factory: pytest.TempPathFactory, postgresql_server: URL
) -> None:
    """On a server, the module-level engine aims at the developer's database (through psycopg,
    or asyncpg): the start-up's create_all is refused with that engine's URL, so the database
    is left without a table, and the test database the run created is gone afterwards."""
    repo = tutorial_repo(api, tmp_path_factory)
    driver = SERVER_DRIVERS[api]

    result, developers = run_beside_a_developers_database(
        repo, postgresql_server, "tutorial", "TUTORIAL_DATABASE_URL", f"postgresql+{driver}"
    )

    assert result.returncode != 0
    server = f"{postgresql_server.username}@{postgresql_server.host}:{postgresql_server.port}"
    refused = (
        f"ForeignDatabaseError: an engine tried to connect to postgresql+{driver}://{server}/"
        f"{developers} during the tests: make the app take its database URL"
    )
    assert refused in result.stdout, result.stdout[-3000:]


# The line, whatever pytest puts before it: SCHEMA's error, and nothing added after it.
STOPPED_BY_THE_MIGRATIONS = re.compile(
    r"SCHEMA: the migrations opened a connection of their own \(.+\) instead of using the one "
    r"the conftest passed: in env\.py, migrate config\.attributes\['connection'\] when it is "
    r"set \(see the generated migrations/env\.py\)"
)


def ignoring_env_repo(
    api: str, tmp_path_factory: pytest.TempPathFactory, env_py: str | None = None
) -> Path:
    """The repo whose env.py (``env_py`` when given) ignores the passed connection, with the
    conftest for ``api``."""
    rendering = rendering_for(api, tmp_path_factory)
    edits = {key: value for key, value in BLOCK_EDITS.items() if not key.startswith("SCHEMA")}
    app = {path: SHOP[api][path] for path in ("shop/database.py", "shop/main.py")}
    sources = {**IGNORING_ENV, **app, **IGNORING_ENV_BY_API[api]}
    if env_py is not None:
        sources["migrations/env.py"] = env_py
    root = tmp_path_factory.mktemp(f"ignoring-env-{api}")
    return build_repo(root, rendering, sources, "tests", edits)


def assert_stopped_by_the_migrations(result: subprocess.CompletedProcess[str]) -> str:
    """The run stopped with the one line that names the fix in env.py; returns that line."""
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output[-3000:]
    line = next(line for line in output.splitlines() if "SCHEMA: " in line)
    assert STOPPED_BY_THE_MIGRATIONS.fullmatch(line[line.index("SCHEMA: ") :].rstrip(" !")), line
    return line


@pytest.mark.parametrize("api", ["sync", "async"])
def test_migrations_that_ignore_the_passed_connection_stop_the_run(
    api: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """An env.py that connects where its own configuration says (alembic.ini's URL, or the
    app's settings in an event loop of its own, inside the suite's): the run stops with one
    line naming the fix, and the developer's SQLite file is never created."""
    repo = ignoring_env_repo(api, tmp_path_factory)

    result = run_python(repo, "-m", "pytest", "-p", "no:randomly")

    assert_stopped_by_the_migrations(result)
    assert not (repo / "development.db").exists()


@pytest.mark.postgresql
@pytest.mark.parametrize("api", ["sync", "async"])
def test_migrations_that_ignore_the_passed_connection_leave_the_developers_database_empty(
    api: str, tmp_path_factory: pytest.TempPathFactory, postgresql_server: URL
) -> None:
    """On a server, an env.py that migrates the developer's database (alembic.ini's URL through
    psycopg, or the app's settings' through asyncpg) is stopped before its first statement:
    that database is left without a table, and the test database the run created is gone."""
    repo = ignoring_env_repo(api, tmp_path_factory)
    driver = SERVER_DRIVERS[api]

    result, developers = run_beside_a_developers_database(
        repo, postgresql_server, "shop", "SHOP_DATABASE_URL", f"postgresql+{driver}"
    )

    line = assert_stopped_by_the_migrations(result)
    assert f"(to postgresql+{driver}://{postgresql_server.username}@" in line
    assert developers in line


# An env.py whose engine connects through a creator of its own, as cloud databases' Python
# connectors hand out: SQLAlchemy then calls no do_connect hook, so engine_guard.py reads where
# the new connection leads from the driver, before the dialect's first query on it.
CONNECTOR_ENV_PY = """
    import os

    import psycopg
    from alembic import context
    from sqlalchemy import create_engine, pool


    def connect():
        return psycopg.connect(os.environ["SHOP_DATABASE_URL"])


    connectable = create_engine("postgresql+psycopg://", creator=connect, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
"""


@pytest.mark.postgresql
def test_migrations_through_a_connector_of_their_own_leave_no_test_database_behind(
    tmp_path_factory: pytest.TempPathFactory, postgresql_server: URL
) -> None:
    """An env.py connecting to the developer's database through a creator of its own is
    stopped with the line naming the fix in env.py, before any DDL: that database is left
    without a table, and the test database the run created is dropped."""
    repo = ignoring_env_repo("sync", tmp_path_factory, CONNECTOR_ENV_PY)

    result, developers = run_beside_a_developers_database(
        repo, postgresql_server, "shop", "SHOP_DATABASE_URL", "postgresql"
    )

    line = assert_stopped_by_the_migrations(result)
    assert f"(to postgresql+psycopg://{postgresql_server.username}@" in line
    assert developers in line


# An app in the shape of a full-stack template, sync and async: a first superuser is seeded,
# module-scoped token fixtures, polyfactory (and no factory-boy installed), and migrations that
# run on PostgreSQL only: SCHEMA is the migrations on a server, the metadata on SQLite. Its
# production driver is asyncpg (async) or psycopg (sync). Its tests sit in a top-level tests/
# folder with no __init__.py.
ACCOUNTS = {
    "accounts/__init__.py": "",
    "accounts/settings.py": """
        import os

        FIRST_SUPERUSER = "admin@example.com"
        SECRET = "not a secret"


        def database_url(driver):
            default = f"postgresql+{driver}://accounts:accounts@localhost:5432/accounts"
            return os.environ.get("DATABASE_URL", default)
    """,
    "accounts/models.py": """
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str] = mapped_column(String(100), unique=True)
            password: Mapped[str] = mapped_column(String(100))
            is_superuser: Mapped[bool] = mapped_column(default=False)
    """,
    "accounts/security.py": """
        import hashlib
        import hmac

        from fastapi import HTTPException
        from pydantic import BaseModel

        from accounts.settings import SECRET


        def token_for(email):
            signature = hmac.new(SECRET.encode(), email.encode(), hashlib.sha256).hexdigest()
            return f"{email}:{signature}"


        def email_of(authorization):
            email = authorization.removeprefix("Bearer ").rpartition(":")[0]
            if not hmac.compare_digest(authorization, f"Bearer {token_for(email)}"):
                raise HTTPException(401, "bad token")
            return email


        class PasswordIn(BaseModel):
            password: str
    """,
    "accounts/seed.py": """
        from sqlalchemy import select

        from accounts.models import User
        from accounts.settings import FIRST_SUPERUSER


        def create_first_superuser(session):
            if session.scalar(select(User).where(User.email == FIRST_SUPERUSER)) is None:
                session.add(User(email=FIRST_SUPERUSER, password="first", is_superuser=True))
    """,
    "alembic.ini": """
        [alembic]
        script_location = migrations
    """,
    "migrations/env.py": """
        from alembic import context

        from accounts.models import Base

        context.configure(
            connection=context.config.attributes["connection"], target_metadata=Base.metadata
        )
        with context.begin_transaction():
            context.run_migrations()
    """,
    "migrations/versions/0001_users.py": """
        import sqlalchemy as sa
        from alembic import op

        revision = "0001"
        down_revision = None


        def upgrade():
            op.create_table(
                "users",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("email", sa.String(100), nullable=False, unique=True),
                sa.Column("password", sa.String(100), nullable=False),
                sa.Column("is_superuser", sa.Boolean, nullable=False),
            )
            # PostgreSQL only: SQLite cannot add a constraint to a table.
            op.execute("ALTER TABLE users ADD CONSTRAINT email_has_at CHECK (email LIKE '%@%')")
    """,
    # On the path first (run_python puts src/ there): factory-boy fails to import, as it would
    # in a repo that never installed it.
    "src/factory/__init__.py": """
        raise ModuleNotFoundError("No module named 'factory'", name="factory")
    """,
}
ACCOUNTS_BY_API = {
    "sync": {
        "accounts/database.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            from accounts.settings import database_url

            engine = create_engine(database_url("psycopg"))
            SessionLocal = sessionmaker(engine)


            def get_db():
                with SessionLocal() as db:
                    yield db
        """,
        "accounts/main.py": """
            from fastapi import Depends, FastAPI, Header, HTTPException
            from sqlalchemy import select
            from sqlalchemy.orm import Session

            from accounts.database import get_db
            from accounts.models import User
            from accounts.security import PasswordIn, email_of

            app = FastAPI()


            def current_user(authorization: str = Header(), db: Session = Depends(get_db)):
                user = db.scalar(select(User).where(User.email == email_of(authorization)))
                if user is None:
                    raise HTTPException(401, "no such user")
                return user


            @app.get("/users")
            def list_users(user=Depends(current_user), db: Session = Depends(get_db)):
                return [u.email for u in db.scalars(select(User).order_by(User.id))]


            @app.put("/users/me/password", status_code=204)
            def change_password(
                body: PasswordIn, user=Depends(current_user), db: Session = Depends(get_db)
            ):
                user.password = body.password
                db.commit()


            @app.delete("/users/me", status_code=204)
            def delete_me(user=Depends(current_user), db: Session = Depends(get_db)):
                db.delete(user)
                db.commit()
        """,
        "tests/test_accounts.py": """
            import os

            import pytest
            from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory
            from sqlalchemy import select

            from accounts.database import engine
            from accounts.models import User
            from accounts.security import token_for
            from accounts.settings import FIRST_SUPERUSER
            from database_isolation.factory_binding import current_session


            class UserFactory(SQLAlchemyFactory[User]):
                __session__ = current_session
                __set_primary_key__ = False
                is_superuser = False


            @pytest.fixture(scope="module")
            def superuser_headers():
                return {"Authorization": f"Bearer {token_for(FIRST_SUPERUSER)}"}


            def test_the_app_and_the_tests_run_on_the_apps_own_driver(session):
                driver = session.connection().dialect.driver
                assert driver == engine.dialect.driver == os.environ["EXPECTED_DRIVER"]


            @pytest.mark.parametrize("turn", ["one", "two"])
            def test_the_seeded_superuser_is_back_whatever_the_last_test_did(
                turn, client, superuser_headers
            ):
                assert client.get("/users", headers=superuser_headers).json() == [FIRST_SUPERUSER]
                assert client.delete("/users/me", headers=superuser_headers).status_code == 204
                assert client.get("/users", headers=superuser_headers).status_code == 401


            def test_a_changed_password_reads_fresh(client, session, superuser_headers):
                admin = session.scalar(select(User).where(User.email == FIRST_SUPERUSER))
                assert admin.password == "first"  # held: the session's identity map keeps it
                response = client.put(
                    "/users/me/password", json={"password": "changed"}, headers=superuser_headers
                )
                assert response.status_code == 204
                assert admin.password == "changed"


            @pytest.mark.parametrize("turn", ["one", "two"])
            def test_polyfactory_users_are_gone_in_the_next_test(
                turn, client, session, superuser_headers
            ):
                user = UserFactory.create_sync(email=f"user-{turn}@example.com")
                users = client.get("/users", headers=superuser_headers)
                assert users.json() == [FIRST_SUPERUSER, user.email]
        """,
    },
    "async": {
        "accounts/database.py": """
            from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

            from accounts.settings import database_url

            engine = create_async_engine(database_url("asyncpg"))
            SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


            async def get_db():
                async with SessionLocal() as db:
                    yield db
        """,
        "accounts/main.py": """
            from fastapi import Depends, FastAPI, Header, HTTPException
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession

            from accounts.database import get_db
            from accounts.models import User
            from accounts.security import PasswordIn, email_of

            app = FastAPI()


            async def current_user(
                authorization: str = Header(), db: AsyncSession = Depends(get_db)
            ):
                user = await db.scalar(select(User).where(User.email == email_of(authorization)))
                if user is None:
                    raise HTTPException(401, "no such user")
                return user


            @app.get("/users")
            async def list_users(user=Depends(current_user), db: AsyncSession = Depends(get_db)):
                return [u.email for u in await db.scalars(select(User).order_by(User.id))]


            @app.put("/users/me/password", status_code=204)
            async def change_password(
                body: PasswordIn, user=Depends(current_user), db: AsyncSession = Depends(get_db)
            ):
                user.password = body.password
                await db.commit()


            @app.delete("/users/me", status_code=204)
            async def delete_me(user=Depends(current_user), db: AsyncSession = Depends(get_db)):
                await db.delete(user)
                await db.commit()
        """,
        "tests/test_accounts.py": """
            import os

            import pytest
            from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory
            from sqlalchemy import select

            from accounts.database import engine
            from accounts.models import User
            from accounts.security import token_for
            from accounts.settings import FIRST_SUPERUSER
            from database_isolation.factory_binding import current_async_session


            class UserFactory(SQLAlchemyFactory[User]):
                __async_session__ = current_async_session
                __set_primary_key__ = False
                is_superuser = False


            @pytest.fixture(scope="module")
            def superuser_headers():
                return {"Authorization": f"Bearer {token_for(FIRST_SUPERUSER)}"}


            async def test_the_app_and_the_tests_run_on_the_apps_own_driver(session):
                driver = (await session.connection()).dialect.driver
                assert driver == engine.dialect.driver == os.environ["EXPECTED_DRIVER"]


            @pytest.mark.parametrize("turn", ["one", "two"])
            async def test_the_seeded_superuser_is_back_whatever_the_last_test_did(
                turn, client, superuser_headers
            ):
                users = await client.get("/users", headers=superuser_headers)
                assert users.json() == [FIRST_SUPERUSER]
                deleted = await client.delete("/users/me", headers=superuser_headers)
                assert deleted.status_code == 204
                assert (await client.get("/users", headers=superuser_headers)).status_code == 401


            async def test_a_changed_password_reads_fresh(client, session, superuser_headers):
                statement = select(User).where(User.email == FIRST_SUPERUSER)
                admin = await session.scalar(statement)  # held: the session's identity map keeps it
                assert admin.password == "first"
                response = await client.put(
                    "/users/me/password", json={"password": "changed"}, headers=superuser_headers
                )
                assert response.status_code == 204
                assert (await session.scalar(statement)).password == "changed"


            @pytest.mark.parametrize("turn", ["one", "two"])
            async def test_polyfactory_users_are_gone_in_the_next_test(
                turn, client, session, superuser_headers
            ):
                user = await UserFactory.create_async(email=f"user-{turn}@example.com")
                users = await client.get("/users", headers=superuser_headers)
                assert users.json() == [FIRST_SUPERUSER, user.email]
        """,
        "pyproject.toml": ASYNC_PYPROJECT,
    },
}
ACCOUNTS_EDITS = {
    "from hero_service.db import (\n    get_session_factory as app_session_dependency,\n)": (
        "from accounts.database import get_db as app_session_dependency"
    ),
    "from hero_service.main import app": (
        "from accounts.main import app\nfrom accounts.models import Base"
    ),
    'SCHEMA: schema.Schema = Path(__file__).parents[1] / "alembic.ini"': (
        "SCHEMA: schema.Schema = "
        'Base.metadata if ON_SQLITE else Path(__file__).parents[1] / "alembic.ini"'
    ),
    "SEED: schema.Seed | None = None": "from accounts.seed import create_first_superuser as SEED",
}
ACCOUNTS_TESTS = 6
ON_SQLITE_DRIVERS = {"sync": "pysqlite", "async": "aiosqlite"}


@pytest.fixture(scope="module", params=["sync", "async"])
def accounts_api(request: pytest.FixtureRequest) -> str:
    """The accounts app's api: sync or async."""
    api: str = request.param
    return api


@pytest.fixture(scope="module")
def accounts(accounts_api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The accounts repo, with the conftest of a project generated for the same api."""
    rendering = rendering_for(accounts_api, tmp_path_factory)
    root = tmp_path_factory.mktemp(f"accounts-{accounts_api}")
    sources = {**ACCOUNTS, **ACCOUNTS_BY_API[accounts_api]}
    return build_repo(root, rendering, sources, "tests", ACCOUNTS_EDITS)


def files_in(repo: Path) -> set[Path]:
    """The repo's files, Python's and pytest's caches aside."""
    caches = {"__pycache__", ".pytest_cache"}
    return {
        path.relative_to(repo)
        for path in repo.rglob("*")
        if path.is_file() and not caches.intersection(path.relative_to(repo).parts)
    }


def run_accounts(accounts: Path, test_database_url: str, driver: str) -> str:
    """The accounts suite's summary, run where factory-boy cannot be imported; its first test
    checks that the app and the tests connect with ``driver``. The run leaves no file behind."""
    files_before = files_in(accounts)
    result = run_python(
        accounts,
        "-m",
        "pytest",
        "-p",
        "randomly",
        TEST_DATABASE_URL=test_database_url,
        EXPECTED_DRIVER=driver,
    )
    summary = assert_suite_passed(result)
    assert files_in(accounts) == files_before
    return summary


def test_copied_conftest_isolates_the_accounts_app_on_sqlite(
    accounts: Path, accounts_api: str
) -> None:
    """A seeded first superuser every test starts with, a module-scoped token, polyfactory's
    create_sync or create_async, fresh reads, no factory-boy installed; tables from metadata,
    since the migrations are PostgreSQL's. On SQLite the app's driver is pysqlite or aiosqlite."""
    summary = run_accounts(accounts, "", ON_SQLITE_DRIVERS[accounts_api])

    assert f"{ACCOUNTS_TESTS} passed" in summary


@pytest.mark.postgresql
def test_copied_conftest_runs_the_accounts_app_on_its_own_driver(
    accounts: Path, accounts_api: str, postgresql_server: URL
) -> None:
    """TEST_DATABASE_URL names the app's driver (asyncpg async, psycopg sync): the app and the
    tests run on it (the database created and migrated through psycopg), its PostgreSQL-only
    migrations build the schema, and the test database the run created is gone afterwards."""
    driver = SERVER_DRIVERS[accounts_api]
    name = f"accounts_{uuid.uuid4().hex[:8]}_test"
    url = postgresql_server.set(drivername=f"postgresql+{driver}", database=name)

    summary = run_accounts(accounts, url.render_as_string(hide_password=False), driver)

    assert f"{ACCOUNTS_TESTS} passed" in summary
    assert name not in database_names(postgresql_server)


# The generated app's tests that read what the driver reports: a violated constraint's name (the
# 409s) and, through a served app on its own engine, the connect-timeout argument.
ON_ITS_DRIVER = [
    "tests/test_teams_api.py",
    "tests/test_operability.py::test_sql_echo_logs_the_statements_of_a_request_with_its_id",
]


@pytest.mark.postgresql
def test_the_generated_async_app_runs_on_asyncpg(
    tmp_path_factory: pytest.TempPathFactory, postgresql_server: URL
) -> None:
    """The async PostgreSQL rendering with TEST_DATABASE_URL naming asyncpg: its app reads a
    violated constraint from asyncpg's error as from psycopg's, and its engine connects with
    asyncpg's name for the connect timeout; the test database the run made is gone after."""
    rendering = render(
        tmp_path_factory.mktemp("on-asyncpg"), orm="sqlalchemy", api="async", database="postgresql"
    )
    name = f"on_asyncpg_{uuid.uuid4().hex[:8]}_test"
    url = postgresql_server.set(drivername="postgresql+asyncpg", database=name)

    result = run_python(
        rendering.path,
        "-m",
        "pytest",
        *ON_ITS_DRIVER,
        TEST_DATABASE_URL=url.render_as_string(hide_password=False),
    )

    assert_suite_passed(result)
    assert name not in database_names(postgresql_server)


# Asks for one copy of a test database another session holds, and prints the suite's line for it.
COPY_A_HELD_TEMPLATE = """
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

sys.path.insert(0, "tests")
from database_isolation import servers

template = make_url(sys.argv[1])
with servers.server_connection(template) as server:
    try:
        servers.create_by_file_copy(server, template.database, "never_test", "run", attempts=1)
    except RuntimeError as error:
        print(error)
"""


@pytest.mark.postgresql
def test_a_test_database_held_by_another_session_is_named_not_an_unreachable_server(
    default_rendering: Rendering, shop_test_database: URL
) -> None:
    """A worker's copy refused because another session is connected to the test database: the
    line says so and names that session, with no word of an unreachable server or of a
    compose service the repo may not have."""
    holder = shop_test_database.set(query={"application_name": "someone_elses_psql"})
    with connected(holder) as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        result = run_python(
            default_rendering.path,
            "-c",
            COPY_A_HELD_TEMPLATE,
            shop_test_database.render_as_string(hide_password=False),
        )

    line = result.stdout.strip()
    assert line.startswith(f"cannot copy the test database '{shop_test_database.database}'"), (
        result.stdout + result.stderr
    )
    assert f"another session stayed connected to it (pid {pid}, someone_elses_psql" in line
    assert "reach" not in line
    assert "compose" not in line
