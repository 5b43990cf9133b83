"""Remove the files that belong to options this project did not choose."""

from pathlib import Path

DATABASE = {{ cookiecutter.database | quoted }}


def remove_compose_file_unless_postgresql() -> None:
    """compose.yaml starts a PostgreSQL server for development; SQLite needs none."""
    if DATABASE != "postgresql":
        Path("compose.yaml").unlink()


if __name__ == "__main__":
    remove_compose_file_unless_postgresql()
