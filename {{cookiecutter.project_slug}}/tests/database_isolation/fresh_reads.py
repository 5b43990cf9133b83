{%- set is_async = cookiecutter.api == "async" -%}
"""The test's session reads what the app's requests committed, never an old copy.

The app works in sessions of its own, so the test's session cannot know what a request changed
or deleted, and its identity map would keep serving the objects it loaded before: after
`DELETE /heroes/1`, `session.get(Hero, 1)` would still find the hero. So every query the
test's session sends and every ``get`` it makes read the rows again (``populate_existing``),
refreshing the objects it already holds with them, and a deleted row's ``get`` answers None.
{%- if is_async %}

The objects the test holds are not expired after a request: in async code an expired
attribute cannot be loaded by reading it (that needs an await). Query or ``get`` them again.
{%- else %}

And after each request the client sends, the objects the test holds and has not changed are
expired but for their primary key: reading ``hero.name`` loads it again, ``hero.id`` needs
no query (a deleted hero's id still reads), and changes the test has not flushed are kept.
{%- endif %}
"""

from collections.abc import Callable{{ ", Iterator" if not is_async }}
{%- if not is_async %}
from contextlib import contextmanager
{%- endif %}
from typing import Any

{% if not is_async -%}
from fastapi.testclient import TestClient
from httpx2 import Response
{% endif -%}
from sqlalchemy import event{{ ", inspect" if not is_async }}
{%- if is_async %}
from sqlalchemy.ext.asyncio import AsyncSession
{%- endif %}
from sqlalchemy.orm import ORMExecuteState{{ ", Session" if not is_async }}


def read_fresh(session: {{ "AsyncSession" if is_async else "Session" }}) -> None:
    """Make every query and ``get`` of ``session`` read the database, not its identity map."""
    sync_session = {{ "session.sync_session" if is_async else "session" }}
    event.listen(sync_session, "do_orm_execute", populate_existing)
    # get() answers from the identity map before any event fires: make it read the row.
    sync_session.get = reading_the_row(sync_session.get)  # type: ignore[method-assign]
    sync_session.get_one = reading_the_row(sync_session.get_one)  # type: ignore[method-assign]


def reading_the_row(get: Callable[..., Any]) -> Callable[..., Any]:
    def get_reading_the_row(*args: Any, **kwargs: Any) -> Any:
        return get(*args, **{**kwargs, "populate_existing": True})

    return get_reading_the_row


def populate_existing(state: ORMExecuteState, *_args: Any) -> None:
    if state.is_select:
        state.update_execution_options(populate_existing=True)
{%- if not is_async %}


@contextmanager
def after_each_request(client: TestClient, session: Session) -> Iterator[None]:
    """While the block runs, each response ``client`` receives expires what ``session`` read."""

    def expire(_response: Response) -> None:
        expire_what_it_read(session)

    hooks = client.event_hooks
    client.event_hooks = {**hooks, "response": [*hooks["response"], expire]}
    try:
        yield
    finally:
        client.event_hooks = hooks


def expire_what_it_read(session: Session) -> None:
    """Expire every object ``session`` holds but those the test changed and has not flushed,
    and keep each one's primary key."""
    for instance in list(session.identity_map.values()):
        state = inspect(instance)
        if not state.modified:
            mapper = state.mapper
            key = {mapper.get_property_by_column(column).key for column in mapper.primary_key}
            session.expire(instance, [prop.key for prop in mapper.attrs if prop.key not in key])
{%- endif %}
