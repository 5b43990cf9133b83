"""Configuration from the environment (and a ``.env`` file, when present)."""

from typing import Annotated, Literal

from pydantic import BeforeValidator
from pydantic_settings import BaseSettings, SettingsConfigDict

{% set project_name_line = "PROJECT_NAME = " ~ (cookiecutter.project_name | python_string) -%}
{{ project_name_line }}{{ project_name_line | python_noqa }}

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["plain", "json"]


class Settings(BaseSettings):
    """Every setting can be overridden by an environment variable of the same name, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

{%- if cookiecutter.database == "postgresql" %}
{%- set database_url = "postgresql+psycopg://app:app@127.0.0.1:5432/" ~ cookiecutter.project_slug %}
{%- elif cookiecutter.database == "mysql" %}
{%- set driver = "aiomysql" if cookiecutter.api == "async" else "pymysql" %}
{%- set database_url = "mysql+" ~ driver ~ "://app:app@127.0.0.1:3306/" ~ cookiecutter.project_slug %}
{%- else %}
{%- set database_url = "sqlite" ~ ("+aiosqlite" if cookiecutter.api == "async" else "") ~ ":///./" ~ cookiecutter.project_slug ~ ".db" %}
{%- endif %}
{#- As ruff format writes it: in parentheses when a long slug takes it past 100 columns. #}
{%- if ('    database_url: str = "' ~ database_url ~ '"') | length <= 100 %}
    database_url: str = "{{ database_url }}"
{%- else %}
    database_url: str = (
        "{{ database_url }}"
    )
{%- endif %}
    # Seconds to wait for a connection before /health/ready gives up and answers 503.
    database_connect_timeout: int = 5
    sql_echo: bool = False
    # The lowest level logged (LOG_LEVEL=debug, info, warning, error), and each line as plain
    # text for people or as one JSON object for machines (LOG_FORMAT=json).
    log_level: Annotated[LogLevel, BeforeValidator(str.upper)] = "INFO"
    log_format: LogFormat = "plain"
