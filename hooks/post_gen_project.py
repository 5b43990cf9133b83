"""Remove the files that belong to options this project did not choose."""

from pathlib import Path

ORM = {{ cookiecutter.orm | quoted }}
DATABASE = {{ cookiecutter.database | quoted }}
PACKAGE = Path("src") / {{ cookiecutter.package_name | quoted }}


def remove_compose_file_unless_postgresql() -> None:
    """compose.yaml starts a PostgreSQL server for development; SQLite needs none."""
    if DATABASE != "postgresql":
        Path("compose.yaml").unlink()


def remove_schemas_module_unless_sqlalchemy() -> None:
    """SQLModel classes are their own API schemas; plain SQLAlchemy models need Pydantic ones."""
    if ORM != "sqlalchemy":
        (PACKAGE / "schemas.py").unlink()


if __name__ == "__main__":
    remove_compose_file_unless_postgresql()
    remove_schemas_module_unless_sqlalchemy()
