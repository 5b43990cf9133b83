"""The {{ cookiecutter.project_slug }} service.

A FastAPI app over {{ "SQLModel" if cookiecutter.orm == "sqlmodel" else "SQLAlchemy" }}.
"""
