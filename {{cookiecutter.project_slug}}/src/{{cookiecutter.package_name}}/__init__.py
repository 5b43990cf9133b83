"""The {{ cookiecutter.project_slug }} service: a FastAPI app over SQLModel."""
