"""Jinja filters that turn free-text answers into safe literals, the guard that keeps
cookiecutter from running answers as templates, and the rules a slug and a package name follow.

Loaded by cookiecutter through ``_extensions`` in cookiecutter.json.
"""

import json
import keyword
import os
import re
import sys
from functools import cache
from pathlib import Path

from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment
from jinja2.ext import Extension
from slugify import slugify

TEMPLATE_REPOSITORY = Path(__file__).parent
PROJECT_FOLDER = "{{cookiecutter.project_slug}}"
# Distributions a generated project depends on and the modules its environment installs,
# derived from the rendered pyproject.toml by tests/names_in_use.py (which keeps it current).
NAMES_IN_USE = TEMPLATE_REPOSITORY / "hooks" / "names_in_use.json"

# The slug names the folder, the distribution and the databases: the default database URL in
# settings.py, which holds it, fits a line of 100 columns (wrapped in parentheses), and
# "<slug>_gw99_test", an xdist worker's test database, PostgreSQL's 63 bytes.
MAX_SLUG_LENGTH = 45
# The longest import of the package ("from <package>.routers.common import (") fits 100 columns.
MAX_PACKAGE_LENGTH = 60
# A slug is an identifier and a distribution name, which starts and ends with a letter or digit.
SLUG = re.compile(r"[a-z]([a-z0-9_]*[a-z0-9])?")
PACKAGE = re.compile(r"[a-z_][a-z0-9_]*")
# For each name question: the pattern it must match, the rule that says so, its longest length.
NAME_RULES = {
    "project_slug": (
        SLUG,
        "must be a lower-case Python identifier starting with a letter and not ending with _",
        MAX_SLUG_LENGTH,
    ),
    "package_name": (
        PACKAGE,
        "must be a lower-case Python identifier (a-z, 0-9 and _, not starting with a digit)",
        MAX_PACKAGE_LENGTH,
    ),
}

# Characters that YAML and TOML refuse raw inside a double-quoted string, although JSON leaves
# them unescaped: DEL, the C1 controls, and the two Unicode non-characters YAML forbids.
_UNSAFE_RAW = re.compile("[\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]")

# ASCII punctuation that CommonMark or GitHub gives a meaning inside a line of text (code spans,
# emphasis, links, raw HTML, entities, tables, strikethrough, math, heading closers); CommonMark
# lets a backslash escape any of it. The characters that matter only at a line's start (lists,
# thematic breaks) are handled by _MARKDOWN_LINE_START.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&|~$#])")
_MARKDOWN_LINE_START = re.compile(r"^(\d*)([-+=.)])")

_PYTHON_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

LINE_LENGTH = 100  # the generated project's ruff line-length


def quoted(value: object) -> str:
    """A double-quoted string literal valid in Python, TOML and YAML alike."""
    literal = json.dumps(str(value), ensure_ascii=False)
    return _UNSAFE_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", literal)


def python_string(value: object) -> str:
    """A Python string literal, in the quotes ruff format picks: double, unless the text holds
    more double quotes than single ones. Unprintable characters are escaped."""
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + "".join(_python_character(character, quote) for character in text) + quote


def _python_character(character: str, quote: str) -> str:
    if character in (quote, "\\"):
        return "\\" + character
    if character in _PYTHON_ESCAPES:
        return _PYTHON_ESCAPES[character]
    if character.isprintable() and not _UNSAFE_RAW.match(character):
        return character
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(value: object) -> str:
    """Free text folded onto one line, its runs of whitespace made one space (for single-line
    comments, and for package metadata, where a line break would start a new field)."""
    return " ".join(str(value).split())


def markdown_text(value: object) -> str:
    """Free text folded onto one line that Markdown shows as written: no markup takes effect."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", one_line(value))
    return _MARKDOWN_LINE_START.sub(r"\1\\\2", text)


def python_noqa(line: object) -> str:
    """The ``# noqa`` comment a line of Python holding free text needs to pass ruff, or "".

    E501 when the line may be too long (every non-ASCII character counted as two columns, as
    wide ones are), RUF001 when it holds non-ASCII text (ruff takes a no-break space or a Greek
    omicron for a typo); RUF100 keeps ruff quiet where the guess was too careful.
    """
    text = str(line)
    width = sum(1 if character.isascii() else 2 for character in text)
    codes = [
        code
        for code, needed in (("E501", width > LINE_LENGTH), ("RUF001", not text.isascii()))
        if needed
    ]
    return f"  # noqa: {', '.join(codes)}, RUF100" if codes else ""


def jinja_string(text: str) -> str:
    """``text`` as a Jinja expression that renders it verbatim, newlines and braces included."""
    escaped = "".join(
        character
        if character.isascii() and character.isprintable() and character not in '"\\'
        else f"\\U{ord(character):08x}"
        for character in text
    )
    return '{{ "' + escaped + '" }}'


def strings_in(value: object) -> set[str]:
    """Every string in a JSON value: keys, values, list items."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for key, item in value.items() for s in strings_in(key) | strings_in(item)}
    if isinstance(value, list):
        return {s for item in value for s in strings_in(item)}
    return set()


def template_texts() -> frozenset[str]:
    """Texts of this template that cookiecutter renders from strings, not from files: the
    values in cookiecutter.json (defaults like the slug's, choices, prompts) and the hooks."""
    context = json.loads((TEMPLATE_REPOSITORY / "cookiecutter.json").read_text(encoding="utf-8"))
    hooks = (TEMPLATE_REPOSITORY / "hooks").glob("*")
    return frozenset(strings_in(context)) | {
        hook.read_text(encoding="utf-8") for hook in hooks if hook.is_file()
    }


def template_paths() -> tuple[str, ...]:
    """The project folder's name and every path in it, relative to it (cookiecutter renders
    these to name what it writes), those with template syntax, longest first."""
    paths: set[str] = set()
    for folder in TEMPLATE_REPOSITORY.iterdir():
        if folder.is_dir() and "{{" in folder.name:
            paths.add(folder.name)
            paths.update(str(path.relative_to(folder)) for path in folder.rglob("*"))
    return tuple(sorted((path for path in paths if "{" in path), key=len, reverse=True))


@cache
def names_in_use() -> dict[str, frozenset[str]]:
    """The generated project's dependencies (canonical names) and installed modules."""
    names = json.loads(NAMES_IN_USE.read_text(encoding="utf-8"))
    return {kind: frozenset(values) for kind, values in names.items()}


def name_problem(question: str, name: str) -> str | None:
    """Why ``name`` cannot answer ``question`` (project_slug or package_name), or None."""
    pattern, rule, limit = NAME_RULES[question]
    is_slug = question == "project_slug"
    if not pattern.fullmatch(name):
        return rule
    if len(name) > limit:
        return f"is longer than {limit} characters"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if is_slug and name.replace("_", "-") in names_in_use()["distributions"]:
        return "is the name of a distribution the project depends on (uv refuses the project)"
    if not is_slug and name in sys.stdlib_module_names | names_in_use()["modules"]:
        return f"would shadow the module {name!r} that the project imports or installs"
    return None


def refusal(question: str, name: str) -> str | None:
    """The one ``ERROR:`` line refusing ``name`` as the answer to ``question``, or None."""
    problem = name_problem(question, name)
    return f"ERROR: {question} {name!r} {problem}." if problem else None


def default_slug(project_name: object) -> str:
    """The project name made a slug; prefixed with "project" when the plain one would be refused
    as a slug or as the package name it is the default of (a leading digit, a keyword, a
    module's or a dependency's name, no letter at all)."""
    plain: str = slugify(str(project_name), separator="_", max_length=MAX_SLUG_LENGTH)
    if not name_problem("project_slug", plain) and not name_problem("package_name", plain):
        return plain
    prefixed: str = slugify(f"project {project_name}", separator="_", max_length=MAX_SLUG_LENGTH)
    return prefixed


def checked_answer(name: object, question: str) -> str:
    """``name`` when it may answer ``question``; otherwise generation stops here.

    cookiecutter.json renders this for each name question, as a private variable placed right
    after it: cookiecutter renders those in order while it asks, so a bad answer stops
    generation before the next question is asked, and before anything is written. The
    exception carries the one ``ERROR:`` line: cookiecutter's command line prints a
    FailedHookException's message, and nothing else, when it stops.
    """
    error = refusal(question, str(name))
    if error:
        raise FailedHookException(error)
    return str(name)


def project_folder(slug: object, package_name: object) -> str:
    """The project folder's name: the slug, once both names are known to be usable ones.

    The questions check them already; answers that skipped the questions (a replay file) are
    checked here, when cookiecutter names the folder, before it creates the folder and every
    parent a slug such as ``a/b`` or ``/tmp/x`` spells. Not in a pre-generation hook: when one
    fails, cookiecutter adds its own stop line and a traceback to the hook's ERROR: line.
    """
    checked_answer(package_name, "package_name")
    return checked_answer(slug, "project_slug")


class QuotingExtension(Extension):
    """Registers the filters, and renders answers as the text they are, never as templates.

    Cookiecutter renders every value of its context as a Jinja template before asking the
    questions: the template's defaults (the slug is made from the name that way), but also the
    answers given with --no-input, as ``key=value`` on the command line, in ``extra_context`` or
    in a user config's ``default_context``. Jinja is not sandboxed, so an answer such as
    ``{{ 7*7 }}`` would become ``49`` and a cleverer one would run Python. Every text that
    cookiecutter renders from a string passes through ``preprocess`` below: the template's own
    texts pass unchanged, anything else (an answer) is turned into an expression that renders
    it verbatim. Answers typed at the prompts are never rendered by cookiecutter.

    The project folder's name is rendered through ``project_folder``, which refuses unusable
    names before cookiecutter creates the folder.
    """

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["quoted"] = quoted
        environment.filters["python_string"] = python_string
        environment.filters["one_line"] = one_line
        environment.filters["markdown_text"] = markdown_text
        environment.filters["python_noqa"] = python_noqa
        environment.filters["default_slug"] = default_slug
        environment.filters["project_folder"] = project_folder
        environment.filters["checked_answer"] = checked_answer
        self.trusted_texts = template_texts()
        self.trusted_paths = template_paths()

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None and source == PROJECT_FOLDER:
            return "{{ cookiecutter.project_slug | project_folder(cookiecutter.package_name) }}"
        if name is not None or source in self.trusted_texts:
            return source  # a template file, or one of the template's own texts
        for path in self.trusted_paths:
            if source == path:
                return source
            if source.endswith(os.sep + path):
                # The output folder the user chose, joined with a path of the template.
                return jinja_string(source.removesuffix(path)) + path
        return jinja_string(source)
