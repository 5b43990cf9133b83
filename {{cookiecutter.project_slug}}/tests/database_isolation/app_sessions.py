{%- set is_async = cookiecutter.api == "async" -%}
"""What the app's session dependency becomes during a test, whatever its shape."""

import inspect
from collections.abc import {{ "AsyncIterator, Callable" if is_async else "Callable, Iterator" }}
from typing import Any


def standing_in_for(dependency: Callable[..., Any], session_factory: Any) -> Callable[[], Any]:
    """A stand-in for ``dependency`` in the dependency's own shape.

    A dependency that returns the sessionmaker gets the test's, so the session dependency that
    calls it (with its commit on success and rollback on error) runs exactly as in production.
    A dependency that yields the session is replaced by one that yields a session of the
    test's: code of its own around the yield does not run in tests.
    """
    if not inspect.{{ "isasyncgenfunction" if is_async else "isgeneratorfunction" }}(dependency):
        return lambda: session_factory

    {{ "async " if is_async }}def session_of_the_test() -> {{ "AsyncIterator" if is_async else "Iterator" }}[Any]:
        {{ "async " if is_async }}with session_factory() as session:
            yield session

    return session_of_the_test
