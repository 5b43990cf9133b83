"""Configuration from the environment (and a ``.env`` file, when present)."""

from pydantic_settings import BaseSettings, SettingsConfigDict

{% set project_name_line = "PROJECT_NAME = " ~ (cookiecutter.project_name | python_string) -%}
{{ project_name_line }}{{ project_name_line | python_noqa }}


class Settings(BaseSettings):
    """Every setting can be overridden by an environment variable of the same name, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

{%- if cookiecutter.database == "postgresql" %}
    database_url: str = "postgresql+psycopg://app:app@127.0.0.1:5432/{{ cookiecutter.project_slug }}"
{%- elif cookiecutter.database == "mysql" %}
    database_url: str = "mysql+{{ "aiomysql" if cookiecutter.api == "async" else "pymysql" }}://app:app@127.0.0.1:3306/{{ cookiecutter.project_slug }}"
{%- else %}
    database_url: str = "sqlite{{ "+aiosqlite" if cookiecutter.api == "async" }}:///./{{ cookiecutter.project_slug }}.db"
{%- endif %}
    # Seconds to wait for a connection before /health/ready gives up and answers 503.
    database_connect_timeout: int = 5
    sql_echo: bool = False
