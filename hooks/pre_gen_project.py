"""Reject answers the generated project could not work with, before any file is written.

Each rule fails with one line starting ``ERROR:`` and exit status 1; cookiecutter then removes
the half-made output folder.
"""

import keyword
import re
import sys

ANSWERS = {
    "project_slug": {{ cookiecutter.project_slug | quoted }},
    "package_name": {{ cookiecutter.package_name | quoted }},
}

LOWER_CASE_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

# Modules the generated service and its tests import: a package of the same name would shadow them.
IMPORTED_MODULES = frozenset(
    {
        "aiosqlite",
        "alembic",
        "anyio",
        "asyncpg",
        "factory",
        "faker",
        "fastapi",
        "httpx",
        "migrations",
        "psycopg",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "sqlalchemy",
        "sqlmodel",
        "starlette",
        "test",
        "tests",
        "uvicorn",
    }
)


def problem_with(name: str) -> str | None:
    """Why ``name`` cannot be used as a project slug or package name, or None if it can."""
    if not LOWER_CASE_IDENTIFIER.fullmatch(name):
        return "must be a lower-case Python identifier (a-z, 0-9 and _, not starting with a digit)"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name in IMPORTED_MODULES or name in sys.stdlib_module_names:
        return f"would shadow the module {name!r} that the service or its tests import"
    return None


def main() -> int:
    for question, answer in ANSWERS.items():
        problem = problem_with(answer)
        if problem:
            print(f"ERROR: {question} {answer!r} {problem}.", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
