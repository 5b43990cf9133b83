"""The rendered project the benchmark runs in, and the suites it writes into its tests/."""

import json
from itertools import pairwise
from pathlib import Path

from cookiecutter.main import cookiecutter
from schema import extend_schema
from strategies import STRATEGIES, Strategy
from suite import write_module

TEMPLATE = Path(__file__).parents[1]
TEMPLATE_FOLDER = "{{cookiecutter.project_slug}}"


def render_default_project(output: Path, tables: int) -> Path:
    """Render the template with its default answers into ``output``, with ``tables`` tables in
    its schema (see schema.py); returns the project.

    A config file of our own keeps cookiecutter's replay files out of the user's home.
    """
    config = output / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(output / 'replay'))}\n")
    project = cookiecutter(
        str(TEMPLATE), no_input=True, output_dir=str(output), config_file=str(config)
    )
    extend_schema(Path(project), package_name(Path(project)), tables)
    return Path(project)


def package_name(project: Path) -> str:
    """The one package under src/, whatever the answers called it."""
    (package,) = (path.name for path in (project / "src").iterdir() if path.is_dir())
    return package


def slices(tests: int, rounds: int) -> list[range]:
    """Test numbers 0 to ``tests`` - 1 cut into ``rounds`` contiguous slices of near-equal size."""
    bounds = [tests * index // rounds for index in range(rounds + 1)]
    return [range(start, end) for start, end in pairwise(bounds)]


def slice_module(project: Path, strategy: Strategy, round_number: int) -> Path:
    return project / "tests" / strategy.folder / f"test_slice_{round_number}.py"


def write_strategy_suites(project: Path, tests: int, rounds: int) -> None:
    """One folder per strategy, each with the same slices and a conftest putting it in force."""
    package = package_name(project)
    for strategy in STRATEGIES:
        folder = project / "tests" / strategy.folder
        folder.mkdir()
        (folder / "__init__.py").touch()
        if strategy.fixtures:
            (folder / "conftest.py").write_text(
                f'"""{strategy.label}: these fixtures replace tests/conftest.py\'s here."""\n\n'
                f"from isolation_fixtures.{strategy.fixtures} import *  # noqa: F403\n"
            )
        for round_number, numbers in enumerate(slices(tests, rounds)):
            write_module(slice_module(project, strategy, round_number), package, numbers)


def scaling_module(project: Path, tests: int) -> Path:
    return project / "tests" / f"scaling_{tests}" / "test_suite.py"


def write_scaling_suites(project: Path, sizes: list[int]) -> None:
    """One suite per size, under the generated conftest as it is."""
    package = package_name(project)
    for tests in sizes:
        module = scaling_module(project, tests)
        module.parent.mkdir()
        (module.parent / "__init__.py").touch()
        write_module(module, package, range(tests))
