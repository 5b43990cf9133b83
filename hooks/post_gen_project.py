"""Remove the files that belong to options this project did not choose."""

from pathlib import Path

ORM = {{ cookiecutter.orm | quoted }}
DATABASE = {{ cookiecutter.database | quoted }}
PACKAGE = Path("src") / {{ cookiecutter.package_name | quoted }}


def remove_compose_file_for_sqlite() -> None:
    """compose.yaml starts a database server for development; SQLite needs none."""
    if DATABASE == "sqlite":
        Path("compose.yaml").unlink()


def remove_schemas_module_unless_sqlalchemy() -> None:
    """SQLModel classes are their own API schemas; plain SQLAlchemy models need Pydantic ones."""
    if ORM != "sqlalchemy":
        (PACKAGE / "schemas.py").unlink()


if __name__ == "__main__":
    remove_compose_file_for_sqlite()
    remove_schemas_module_unless_sqlalchemy()
