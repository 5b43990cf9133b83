"""The names a generated project's environment already uses, written to hooks/names_in_use.json.

A package named like a module installed beside it shadows that module (``mako`` hides Alembic's
templates, ``click`` uvicorn's command line), and a slug equal to a dependency's name makes uv
refuse the project ("depends on itself"). Neither list is written by hand: both are derived
from the dependencies that pyproject.toml declares in every combination of options, the
dependencies of those in turn as installed in this environment (which holds everything a
generated project needs, pinned by uv.lock), and the modules each of them installs.

tests/test_hooks.py fails when the file is out of date (a dependency added or upgraded);
``uv run python -m tests.names_in_use`` rewrites it.
"""

import itertools
import json
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from local_extensions import NAMES_IN_USE, QuotingExtension

TEMPLATE = Path(__file__).parents[1]
PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"
# Top-level names of the generated project itself: tests/ is no package, so its modules are
# imported by their own names, beside migrations/ and the package.
PROJECT_FOLDERS = ("migrations", "tests")


def declared_requirements() -> set[str]:
    """Every requirement pyproject.toml declares (runtime and dev), in any combination."""
    questions = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    choices = {key: value for key, value in questions.items() if isinstance(value, list)}
    environment = Environment(
        loader=FileSystemLoader(PROJECT_TEMPLATE), extensions=[QuotingExtension]
    )
    template = environment.get_template("pyproject.toml")
    requirements: set[str] = set()
    for values in itertools.product(*choices.values()):
        answers = {**questions, **dict(zip(choices, values, strict=True))}
        pyproject = tomllib.loads(template.render(cookiecutter=answers))
        requirements.update(pyproject["project"]["dependencies"])
        requirements.update(pyproject["dependency-groups"]["dev"])
    return requirements


def needed(requirement: Requirement, extras: set[str]) -> bool:
    """Whether a distribution's requirement is installed with ``extras``, on any platform and
    Python version (a marker on anything but extras is taken as true somewhere)."""
    marker = requirement.marker
    if marker is None or "extra" not in str(marker):
        return True
    return any(marker.evaluate({"extra": extra}) for extra in extras)


def distributions(requirements: set[str]) -> set[str]:
    """Canonical names of the requirements and of everything they need, recursively."""
    seen: dict[str, set[str]] = {}
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        extras = {"", *requirement.extras}
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # for another platform or Python version: its name is all we know
        pending.extend(
            dependency
            for dependency in map(Requirement, requires)
            if needed(dependency, seen[name])
        )
    return set(seen)


def modules(name: str) -> set[str]:
    """Top-level modules a distribution installs (its name made a module, if not installed)."""
    try:
        files = distribution(name).files or []
    except PackageNotFoundError:
        return {name.replace("-", "_")}
    return {
        file.parts[0].split(".")[0]
        for file in files
        if file.suffix in {".py", ".so", ".pyd"} and file.parts[0] not in {"..", "__pycache__"}
    }


def project_modules() -> set[str]:
    """The generated project's own top-level names: its folders and test modules."""
    tests = PROJECT_TEMPLATE / "tests"
    return set(PROJECT_FOLDERS) | {
        path.stem
        for path in tests.iterdir()
        if path.suffix == ".py" or (path / "__init__.py").is_file()
    }


def derived_names_in_use() -> dict[str, list[str]]:
    """Both lists, sorted, as hooks/names_in_use.json holds them."""
    names = distributions(declared_requirements())
    installed = set(itertools.chain.from_iterable(modules(name) for name in names))
    return {
        "distributions": sorted(names),
        "modules": sorted(installed | project_modules()),
    }


if __name__ == "__main__":
    NAMES_IN_USE.write_text(json.dumps(derived_names_in_use(), indent=1) + "\n")
