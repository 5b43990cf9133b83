"""Project names: a bad one stops generation at its question with one clear line, all the
command prints, and leaves nothing on disk; the default slug is never a bad one; the lists of
names in use are derived, and current; the longest allowed names make a project that passes its
own lint, type check and suite."""

import json
from pathlib import Path

import pytest

from local_extensions import (
    MAX_PACKAGE_LENGTH,
    MAX_SLUG_LENGTH,
    NAMES_IN_USE,
    default_slug,
    refusal,
)
from tests.conftest import (
    OPTIONS,
    QUESTIONS,
    Rendering,
    assert_suite_passed,
    render,
    run_cookiecutter_cli,
    run_python,
)
from tests.names_in_use import derived_names_in_use

SLUG_RULE = "lower-case Python identifier starting with a letter"
PACKAGE_RULE = "lower-case Python identifier (a-z, 0-9 and _"
DEPENDENCY = "is the name of a distribution the project depends on"

BAD_SLUGS = {
    "hero-service": SLUG_RULE,
    "HeroService": SLUG_RULE,
    "1heroes": SLUG_RULE,
    "héros": SLUG_RULE,
    "_heroes": SLUG_RULE,
    "heroes_": SLUG_RULE,
    "a/b": SLUG_RULE,
    "..": SLUG_RULE,
    "class": "Python keyword",
    "s" * 46: "longer than 45 characters",
    # Distributions the project depends on, directly, for development, or indirectly.
    "fastapi": DEPENDENCY,
    "ruff": DEPENDENCY,
    "mypy": DEPENDENCY,
    "factory_boy": DEPENDENCY,
    "httpx2": DEPENDENCY,
    "pytest_xdist": DEPENDENCY,
    "typing_extensions": DEPENDENCY,
}
# Modules of the environment (direct, development and indirect dependencies), of the standard
# library, and the project's own top-level folders and test modules.
SHADOWED_MODULES = (
    *("fastapi", "sqlmodel", "mako", "click", "h11", "dotenv", "typing_extensions", "pymysql"),
    *("xdist", "json", "tests", "conftest", "factories"),
)
BAD_PACKAGES = {
    "hero-service": PACKAGE_RULE,
    "1heroes": PACKAGE_RULE,
    "class": "Python keyword",
    "p" * 61: "longer than 60 characters",
    **{name: f"would shadow the module {name!r}" for name in SHADOWED_MODULES},
}


@pytest.mark.parametrize(
    ("question", "name", "rule"),
    [("project_slug", name, rule) for name, rule in BAD_SLUGS.items()]
    + [("package_name", name, rule) for name, rule in BAD_PACKAGES.items()],
)
def test_bad_name_is_refused(question: str, name: str, rule: str) -> None:
    """The refusal is one line starting ERROR: that names the question, the value and the rule."""
    error = refusal(question, name)

    assert error is not None
    assert error.startswith(f"ERROR: {question} {name!r} ")
    assert rule in error
    assert "\n" not in error


@pytest.mark.parametrize(
    ("answer", "question", "name"),
    [
        ("project_slug=a/b", "project_slug", "a/b"),
        ("project_slug={outside}/x", "project_slug", "{outside}/x"),
        ("project_slug=factory_boy", "project_slug", "factory_boy"),
        ("package_name=mako", "package_name", "mako"),
        ("project_slug=json", "package_name", "json"),  # the package name defaults to the slug
    ],
)
def test_bad_name_stops_generation(answer: str, question: str, name: str, tmp_path: Path) -> None:
    """Exit status 1, and all the command prints is the one ERROR: line naming the question and
    the name; nothing written: not in the output folder, nor where a slug with slashes or an
    absolute path points."""
    output, outside = tmp_path / "out", tmp_path / "outside"

    result = run_cookiecutter_cli(output, answer.format(outside=outside))

    assert result.returncode == 1
    assert result.stdout + result.stderr == f"{refusal(question, name.format(outside=outside))}\n"
    assert list(output.iterdir()) == []
    assert not outside.exists()


# What a user types at the questions: a name, then Enter for every default.
TYPED_SLUG = "Hero Service\nhero-service\n" + "\n" * 6
TYPED_PACKAGE = "Hero Service\n\nmako\n" + "\n" * 5


@pytest.mark.parametrize(
    ("typed", "question", "name", "next_question"),
    [
        (TYPED_SLUG, "project_slug", "hero-service", "[3/8]"),
        (TYPED_PACKAGE, "package_name", "mako", "[4/8]"),
    ],
)
def test_bad_typed_name_stops_at_its_question(
    typed: str, question: str, name: str, next_question: str, tmp_path: Path
) -> None:
    """A bad name typed at its question stops generation there, before the next question: after
    the questions asked, the output is the one ERROR: line, with no traceback and no line of
    cookiecutter's own; nothing is written."""
    output = tmp_path / "out"

    result = run_cookiecutter_cli(output, typed=typed)

    assert result.returncode == 1
    questions_asked, _, after = result.stdout.rpartition("): ")
    assert after + result.stderr == f"{refusal(question, name)}\n"
    assert next_question not in questions_asked
    assert list(output.iterdir()) == []


def test_bad_name_in_a_replay_file_stops_before_the_folder_exists(tmp_path: Path) -> None:
    """A replay file skips the questions: a bad package name in one (edited by hand) still stops
    generation with the one ERROR: line, before the project folder is created."""
    output = tmp_path / "out"
    replay = tmp_path / "hero.json"
    answers = {key: value for key, value in QUESTIONS.items() if key != "__prompts__"}
    answers |= {option: choices[0] for option, choices in OPTIONS.items()}
    names = {"project_slug": "hero_service", "package_name": "mako"}
    for question, name in names.items():
        answers[question] = answers[f"__{question}_checked"] = name
    replay.write_text(json.dumps({"cookiecutter": answers}))

    result = run_cookiecutter_cli(output, "--replay-file", str(replay), typed="")

    assert result.returncode == 1
    assert result.stdout + result.stderr == f"{refusal('package_name', 'mako')}\n"
    assert list(output.iterdir()) == []


def test_a_failing_pre_generation_hook_cannot_stop_with_one_line(tmp_path: Path) -> None:
    """What README.md says cookiecutter does, and why names are not checked in a hook: after a
    pre_gen_project hook's ERROR: line and exit 1, cookiecutter prints its own stop line and
    a traceback."""
    template = tmp_path / "template"
    (template / "hooks").mkdir(parents=True)
    (template / "{{cookiecutter.name}}").mkdir()
    (template / "cookiecutter.json").write_text('{"name": "x"}')
    hook = 'import sys\nprint("ERROR: refused.", file=sys.stderr)\nsys.exit(1)\n'
    (template / "hooks" / "pre_gen_project.py").write_text(hook)
    output = tmp_path / "out"

    result = run_cookiecutter_cli(output, template=template)

    assert result.returncode == 1
    assert result.stderr == "ERROR: refused.\n"
    stop = "Stopping generation because pre_gen_project hook script didn't exit successfully"
    assert stop in result.stdout
    assert "Traceback (most recent call last)" in result.stdout
    assert "Hook script failed (exit status: 1)" in result.stdout


def test_good_names_generate(tmp_path: Path) -> None:
    """A slug and package name that follow the rules render a project of that name; an answer
    to no question (``databse=``, a typo) is ignored, as README.md warns: the default stays."""
    result = run_cookiecutter_cli(
        tmp_path, "project_slug=hero_api", "package_name=heroes", "databse=postgresql"
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hero_api" / "src" / "heroes" / "main.py").is_file()
    assert not (tmp_path / "hero_api" / "compose.yaml").exists()  # database=sqlite


def test_a_bad_choice_is_refused_by_cookiecutter_with_its_traceback(tmp_path: Path) -> None:
    """What README.md says cookiecutter does with a choice answer that is none of the choices,
    before any code of the template runs: a traceback ending in one line naming the choices;
    nothing written."""
    output = tmp_path / "out"

    result = run_cookiecutter_cli(output, "orm=django")

    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "ValueError: django provided for choice variable orm, "
        "but the choices are ['sqlmodel', 'sqlalchemy']."
    )
    assert list(output.iterdir()) == []


@pytest.mark.parametrize(
    ("project_name", "slug"),
    [
        ("Hero Service", "hero_service"),
        ("3D Printing Service", "project_3d_printing_service"),
        ("Json", "project_json"),
        ("FastAPI", "project_fastapi"),
        ("Class", "project_class"),
        ("Typing Extensions", "project_typing_extensions"),
        ("🦸", "project"),
        ("Customer Notification " * 5, "customer_notification_customer_notification_c"),
    ],
)
def test_default_slug_is_never_refused(project_name: str, slug: str) -> None:
    """The slug made from a project name is usable as slug and package name: one that would be
    refused (a leading digit, a keyword, a name in use, no letter) gets the prefix project_."""
    assert default_slug(project_name) == slug
    assert refusal("project_slug", slug) is None
    assert refusal("package_name", slug) is None


def test_project_named_with_a_leading_digit_generates(tmp_path: Path) -> None:
    """``3D Printing Service`` with every other answer defaulted renders a project."""
    result = run_cookiecutter_cli(tmp_path, "project_name=3D Printing Service")

    assert result.returncode == 0, result.stderr
    assert (
        tmp_path / "project_3d_printing_service" / "src" / "project_3d_printing_service"
    ).is_dir()


def test_names_in_use_are_current() -> None:
    """hooks/names_in_use.json is what tests/names_in_use.py derives from the dependencies the
    rendered pyproject.toml declares, as this environment installs them (regenerate it with
    ``uv run python -m tests.names_in_use``)."""
    how = "out of date: `uv run python -m tests.names_in_use` rewrites it"
    assert json.loads(NAMES_IN_USE.read_text()) == derived_names_in_use(), how


@pytest.fixture(scope="module")
def longest_names(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """The longest slug and package name allowed, a long project name, in the combination whose
    lines hold the most of them (SQLAlchemy schemas, the PostgreSQL URL)."""
    answers = {
        "project_name": "Customer Notification Service " * 8,
        "project_slug": ("customer_notification_service" * 2)[:MAX_SLUG_LENGTH],
        "package_name": ("notifications_" * 5)[:MAX_PACKAGE_LENGTH],
        "orm": "sqlalchemy",
        "api": "async",
        "database": "postgresql",
    }
    return render(tmp_path_factory.mktemp("longest-names"), **answers)


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--check", "--no-cache", "."],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_longest_names_pass_the_project_lint(longest_names: Rendering, command: list[str]) -> None:
    """ruff check, ruff format --check and mypy --strict pass whatever the names' length."""
    result = run_python(longest_names.path, "-m", *command)

    assert result.returncode == 0, result.stdout + result.stderr


def test_longest_names_pass_the_project_suite(longest_names: Rendering) -> None:
    """The generated suite passes with the longest names (on SQLite)."""
    assert_suite_passed(run_python(longest_names.path, "-m", "pytest", "-p", "no:randomly"))
