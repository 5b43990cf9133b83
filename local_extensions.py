"""Jinja filters that turn free-text answers into safe literals.

Loaded by cookiecutter through ``_extensions`` in cookiecutter.json.
"""

import json
import re

from jinja2 import Environment
from jinja2.ext import Extension

# Characters that YAML and TOML refuse raw inside a double-quoted string, although JSON leaves
# them unescaped: DEL, the C1 controls, and the two Unicode non-characters YAML forbids.
_UNSAFE_RAW = re.compile("[\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]")


def quoted(value: object) -> str:
    """A double-quoted string literal valid in Python, TOML and YAML alike."""
    literal = json.dumps(str(value), ensure_ascii=False)
    return _UNSAFE_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", literal)


def one_line(value: object) -> str:
    """Free text folded onto one line (for Markdown headings and single-line comments)."""
    return " ".join(str(value).split())


class QuotingExtension(Extension):
    """Registers the ``quoted`` and ``one_line`` filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["quoted"] = quoted
        environment.filters["one_line"] = one_line
