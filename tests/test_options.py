"""The options: every combination is tested, and each renders only the code it chose."""

import re
from pathlib import Path

import pytest

from tests.conftest import COMBINATIONS, OPTIONS, Rendering, combination_id, render


def python_sources(rendering: Rendering) -> dict[Path, str]:
    return {path: path.read_text() for path in rendering.path.rglob("*.py")}


def test_every_combination_is_tested() -> None:
    """Two ORMs, two APIs and three databases: twelve renderings, named orm-api-database."""
    assert len(COMBINATIONS) == 12
    assert "sqlalchemy-async-postgresql" in {combination_id(answers) for answers in COMBINATIONS}
    assert list(OPTIONS) == ["orm", "api", "database"]


def test_misspelt_answer_is_refused(tmp_path: Path) -> None:
    """A key that is no question of cookiecutter.json fails instead of testing the default."""
    with pytest.raises(ValueError, match="databse"):
        render(tmp_path, databse="postgresql")


def test_schemas_module_only_for_sqlalchemy(rendering: Rendering) -> None:
    """SQLModel classes are their own schemas; SQLAlchemy models get a Pydantic schemas.py."""
    schemas = rendering.path / "src" / "hero_service" / "schemas.py"
    assert schemas.exists() == (rendering.answers["orm"] == "sqlalchemy")


def test_code_of_the_other_api_is_absent(rendering: Rendering) -> None:
    """A sync project has no async code; an async project has no sync session or TestClient."""
    sources = "\n".join(python_sources(rendering).values())
    if rendering.answers["api"] == "sync":
        # The lifespan, exception handlers and middleware (main.py, and the handlers it registers
        # from routers/common.py) are async in every FastAPI app.
        beyond_the_app = "\n".join(
            source
            for path, source in python_sources(rendering).items()
            if path.name not in {"main.py", "common.py"}
        )
        assert not re.search(r"AsyncSession|aiosqlite", sources)
        assert not re.search(r"\bawait\b|async def", beyond_the_app)
    else:
        assert "TestClient" not in sources
        assert not re.search(r"\bsessionmaker\[", sources)


def test_code_of_the_other_orm_is_absent(rendering: Rendering) -> None:
    """A plain SQLAlchemy project never imports SQLModel, and a SQLModel one has no Base."""
    sources = "\n".join(python_sources(rendering).values())
    if rendering.answers["orm"] == "sqlalchemy":
        assert "sqlmodel" not in sources
    else:
        assert "DeclarativeBase" not in sources
