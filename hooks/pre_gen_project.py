"""Reject a package name the generated project could not work with, before any file is written.

The rules live in the template's local_extensions.py, which also refuses an unusable slug
before cookiecutter creates the project folder. A refusal is one line starting ``ERROR:`` and
exit status 1; cookiecutter then removes the project folder it made.
"""

import sys

sys.path.insert(0, {{ template_repository | quoted }})

from local_extensions import refusal  # noqa: E402  (found through the line above)

if __name__ == "__main__":
    error = refusal("package_name", {{ cookiecutter.package_name | quoted }})
    if error:
        print(error, file=sys.stderr)
        sys.exit(1)
