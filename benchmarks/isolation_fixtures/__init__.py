"""Fixtures that replace the generated conftest's isolation, one module per strategy.

run.py puts a conftest.py into each strategy's folder of the rendered project's tests/ that
star-imports one of these modules: a folder's conftest overrides the fixtures of tests/conftest.py
for the tests inside it (a ``-p`` plugin cannot: pytest lets conftest fixtures win over a
plugin's). They import the rendered project's tests package, so they only run inside it.
"""
