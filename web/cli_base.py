"""What every `motcua` command shares: the services of the application (built once per invocation through
`create_app`) and the group that prints domain errors as one clear line. The command modules import this one; it
imports none of them."""

import sys

import click

from engine.domain.errors import MotcuaError, ProcessDefinitionError
from engine.services.wiring import Services


def services_of(ctx: click.Context, migrate: bool = True) -> Services:
    """The application's services for this invocation; the database is migrated first unless `migrate` is false."""
    obj = ctx.ensure_object(dict)
    if "services" not in obj:
        from web import create_app

        obj["app"] = create_app()
        obj["services"] = obj["app"].extensions["motcua"]
        ctx.call_on_close(obj["services"].close)
        if migrate:
            obj["services"].migrate()
    return obj["services"]


class Group(click.Group):
    """Prints domain errors as one clear line and exits 1 instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ProcessDefinitionError as exc:
            for file, element, message in exc.problems:
                click.echo(f"LỖI {file}: phần tử '{element or '-'}': {message}", err=True)
            sys.exit(1)
        except MotcuaError as exc:
            click.echo(f"LỖI: {exc}", err=True)
            sys.exit(1)
