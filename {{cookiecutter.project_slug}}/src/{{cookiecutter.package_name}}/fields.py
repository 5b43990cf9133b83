"""Field types the tables and API schemas share: names every database can store, and PATCH
fields that may be left out but not set to null."""

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

NAME_LENGTH = 100

# PostgreSQL text cannot hold a NUL character: a name with one is a 422 on every database.
Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, pattern=r"^[^\x00]*$")]


def refuse_null(value: object) -> object:
    """Fail an explicit null, which a NOT NULL column cannot take (leaving the field out can)."""
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


def offer_no_null(schema: dict[str, Any]) -> None:
    """Document the field as its value's type alone: no null, and no default of null."""
    schema.update(next(option for option in schema.pop("anyOf") if option != {"type": "null"}))
    schema.pop("default", None)


# A PATCH field of a NOT NULL column: left out, the column keeps its value; null is a 422.
NameChange = Annotated[
    Name | None, BeforeValidator(refuse_null), Field(json_schema_extra=offer_no_null)
]
