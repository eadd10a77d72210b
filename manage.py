"""Second Look's command line for operators (`python manage.py --help`).

Its help, its messages and the errors of the services it calls are in English, or in French
with `--language fr` (before the command) or SECONDLOOK_LANGUAGE=fr. Help texts are marked with
N_ and translated when the help is drawn; click's and typer's own texts ("Usage:", "Options",
"Missing option ...") come from the same catalogue through the standard library's gettext
domain, which both libraries use (see `LIBRARY_TEXTS`).
"""

import functools
import gettext
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

from models import count_label
from services import config, report
from services.access import OPERATOR
from services.auth import create_user
from services.backup import BackupFailed, backup, restore
from services.db import DatabaseUnavailable, database_url, is_empty, migrate, session_scope
from services.demo import demo_logins, load_demo
from services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from services.exports import FORMATS, export
from services.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    N_,
    _,
    language,
    ngettext,
    normalise,
    number,
)
from services.scores_io import import_scores, parse_scale
from services.settings import demo_mode

# typer (0.29 vendors click as typer._click) translates some of its own texts with the
# standard library's gettext, domain "messages", which is ours too: the module constants of
# typer.rich_utils (set again in _choose_language, as typer reads them at import) and the texts
# in TYPER_TEXTS. "Usage:" and the help option's text are translated here (_Group, _Command).
# Marked so that `make i18n` keeps them; tests/cli/test_manage_language.py checks each is still
# in typer's source. Typer's other parse errors ("Missing option '--x'.") are English only.
LIBRARY_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}
TYPER_TEXTS = (N_("Aborted!"), N_("Missing command."), N_("No such command {name!r}."))
USAGE = N_("Usage:")
HELP_OPTION = N_("Show this message and exit.")


def _choose_language(lang: str | None) -> str:
    """Use `lang` (else SECONDLOOK_LANGUAGE, else English) for click's and typer's texts too."""
    chosen = normalise(lang or config.cli_language()) or "en"
    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    config.set_gettext_language(chosen)  # the standard library's gettext reads it at each call
    for name, text in LIBRARY_TEXTS.items():
        setattr(rich_utils, name, gettext.gettext(text))
    return chosen


def _translate_help(ctx: typer.Context, command) -> None:
    """The command's help, its options' and its subcommands' in the CLI's language; the texts
    are msgids (N_) until drawn. --help is eager: it can run before --language's callback, so
    the language is chosen here too."""
    chosen = _choose_language(ctx.find_root().params.get("language_"))
    with language(chosen):
        for cmd in [command, *getattr(command, "commands", {}).values()]:
            cmd.help = _(cmd.help) if cmd.help else cmd.help
            for param in cmd.get_params(ctx):
                if getattr(param, "help", None):
                    param.help = _(param.help)


class _Translated:
    """Help and usage drawn in the CLI's language (a mixin for typer's command classes)."""

    def format_help(self, ctx, formatter):
        _translate_help(ctx, self)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=gettext.gettext(USAGE) + " ")


class _Group(_Translated, TyperGroup):
    pass


class _Command(_Translated, TyperCommand):
    pass


app = typer.Typer(
    cls=_Group, no_args_is_help=True, add_completion=False,
    help=N_("Second Look's command line for operators. Every command takes the database from "
            "DATABASE_URL (default: data/secondlook.db). Messages are in English, or in French "
            "with `--language fr` or SECONDLOOK_LANGUAGE=fr."))


def _language_option(ctx: typer.Context, value: str | None) -> str | None:
    """Eager, so that a following --help or a usage error already speaks the language."""
    if ctx.resilient_parsing:
        return value
    if value is not None and normalise(value) is None:
        _fail(_("--language: {value} is not one of {allowed}").format(
            value=repr(value), allowed=", ".join(LANGUAGES)))
    # Every message of the command, and the errors of the services it calls, in that language.
    # (typer's usage errors are drawn after the contexts close: they read LANGUAGE, which
    # _choose_language sets for the process, as the language of a command-line run.)
    ctx.with_resource(language(_choose_language(value)))
    return value


@app.callback()
def main(
    language_: Annotated[str | None, typer.Option(
        "--language", is_eager=True, callback=_language_option,
        help=N_("Language of the messages: en or fr (default: SECONDLOOK_LANGUAGE, else "
                "en)."))] = None,
) -> None:
    """The options before the command (see _language_option)."""


def _fail(message: str, code: int = 1) -> None:
    typer.echo(_("error: {message}").format(message=message), err=True)
    raise typer.Exit(code)


def user_error_message(exc: BaseException) -> str | None:
    """One line for an error the operator caused (a path, a value, a name), else None."""
    if isinstance(exc, InvalidInput):
        return "; ".join(exc.problems)
    if isinstance(exc, (NotFound, NotAllowed, Conflict, BackupFailed, DatabaseUnavailable)):
        return str(exc)
    if isinstance(exc, OSError):  # missing file or folder, a folder given for a file, rights
        reason = exc.strerror or str(exc)
        hints = {IsADirectoryError: _("give a file, not a folder"),
                 FileNotFoundError: _("check the path and that its folder exists"),
                 PermissionError: _("check the file's and folder's permissions")}
        hint = hints.get(type(exc))
        text = _("{reason} ({hint})").format(reason=reason, hint=hint) if hint else reason
        return f"{exc.filename}: {text}" if exc.filename else text
    if isinstance(exc, OverflowError):
        return _("a number is too large: {reason}").format(reason=exc)
    if isinstance(exc, (ValueError, UnicodeError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def command(name: str, help: str):
    """app.command (help: a msgid, N_), with the top-level handler: a user error becomes one
    line on stderr and exit status 1; anything else (a bug) keeps its traceback."""
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except (typer.Exit, typer.Abort, SystemExit):
                raise
            except Exception as exc:
                message = user_error_message(exc)
                if message is None:
                    raise
                _fail(message)

        return app.command(name, help=help, cls=_Command)(wrapper)

    return decorate


def _migrate_or_fail() -> None:
    try:
        migrate()
    except DatabaseUnavailable as exc:
        _fail(str(exc))


@command("migrate", N_(
    "Create or upgrade the database schema to the newest migration."))
def migrate_cmd() -> None:
    _migrate_or_fail()
    typer.echo(_("database is up to date: {url}").format(url=_safe_url()))


@command("seed-demo", N_(
    "Load the demo data set (demo accounts, positions, candidates, scorecards)."))
def seed_demo(
    if_empty: Annotated[bool, typer.Option(
        "--if-empty",
        help=N_("Load only when the database has no users; otherwise say so."))] = False,
) -> None:
    _migrate_or_fail()
    with session_scope() as s:
        if not is_empty(s):
            if not if_empty:
                _fail(_("the database already holds data; demo data goes only into an empty "
                        "one"))
            if demo_mode(s):
                _print_logins(demo_logins())
            else:
                typer.echo(_("database holds data already; demo data not loaded"))
            return
        try:
            counts = load_demo(s)
        except InvalidInput as exc:
            _fail("; ".join(exc.problems))
    typer.echo(_("demo data loaded: {counts}").format(
        counts=", ".join(count_label(k, v) for k, v in counts.items())))
    _print_logins(demo_logins())


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    typer.echo("\n" + _("Demo logins (demo mode):"))
    password_label = _("password: {password}")
    for who, email, password in logins:
        typer.echo(f"  {who:<36} {email:<32} " + password_label.format(password=password))
    typer.echo("")


@command("create-user", N_(
    "Add an account; the password is prompted (hidden) or read from standard input."))
def create_user_cmd(
    email: Annotated[str, typer.Option(prompt=True, help=N_("Login email."))],
    name: Annotated[str, typer.Option(prompt=True, help=N_("Full name."))],
    role: Annotated[list[str], typer.Option(
        help=N_("Role: admin, recruiter, hiring_manager or panelist; repeat for several."))],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help=N_("Read the password from standard input instead of a prompt.")
    )] = False,
) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    _migrate_or_fail()
    with session_scope() as s:
        try:
            user = create_user(s, {"name": name, "email": email, "roles": role,
                                   "password": password})
        except InvalidInput as exc:
            _fail("; ".join(exc.problems))
    typer.echo(_("created user {email} with roles {roles}").format(
        email=user.email, roles=", ".join(sorted(set(role)))))


@command("import-scores", N_(
    "Import scores in long format; all rows or none (see README for the columns)."))
def import_scores_cmd(
    file: Annotated[str, typer.Argument(help=N_("CSV (UTF-8) or xlsx file, one row per score."))],
    scale: Annotated[str, typer.Option(
        help=N_("Rating scale of positions this import creates, e.g. 1-5, 1-7, 1-10."))] = "1-5",
) -> None:
    try:
        scale_pair = parse_scale(scale)
    except InvalidInput as exc:
        _fail("; ".join(exc.problems))
    _migrate_or_fail()
    with session_scope() as s:
        try:
            result = import_scores(s, Path(file), viewer=OPERATOR, scale=scale_pair)
        except InvalidInput as exc:
            if len(exc.problems) == 1:
                _fail(_("{problem}; nothing imported").format(problem=exc.problems[0]))
            for problem in exc.problems:
                typer.echo(problem, err=True)
            typer.echo(ngettext("nothing imported: {n} problem", "nothing imported: {n} problems",
                                len(exc.problems)).format(n=number(len(exc.problems))),
                       err=True)
            raise typer.Exit(1) from None
    typer.echo(result.summary())


@command("report", N_(
    "Write a position's aggregate: scores, intervals, ties, reliability, panelists."))
def report_cmd(
    position: Annotated[str, typer.Option(help=N_("The position's exact title."))],
    format: Annotated[str, typer.Option(help=N_("json or csv."))] = "json",
    out: Annotated[str | None, typer.Option(
        help=N_("Write to this file instead of stdout."))] = None,
) -> None:
    if format not in ("json", "csv"):
        _fail(_("--format: {value} is not json or csv").format(value=repr(format)))
    _migrate_or_fail()
    with session_scope() as s:
        try:
            data = report.position_report(s, report.position_by_title(s, position).id)
        except NotFound as exc:
            _fail(str(exc))
    text = (json.dumps(data, indent=2, ensure_ascii=False) + "\n" if format == "json"
            else report.report_csv_text(data))
    if out:
        Path(out).write_text(text, encoding="utf-8")
        typer.echo(_("wrote {file}").format(file=out))
    else:
        typer.echo(text, nl=False)


@command("export", N_(
    "Export a position: its scores as CSV or Excel, or its PDF debrief pack."))
def export_cmd(
    position: Annotated[str, typer.Option(help=N_("The position's exact title."))],
    format: Annotated[str, typer.Option(
        help=N_("csv (scores, import-scores format), xlsx (scores and summary) or pdf "
             "(debrief pack)."))] = "csv",
    out: Annotated[str, typer.Option(help=N_("The file to write."))] = "",
) -> None:
    if format not in FORMATS:
        _fail(_("--format: {value} is not one of {allowed}").format(
            value=repr(format), allowed=", ".join(FORMATS)))
    if not out:
        _fail(_("--out: give the file to write"))
    _migrate_or_fail()
    with session_scope() as s:
        try:
            data = export(s, OPERATOR, report.position_by_title(s, position).id, format)
        except NotFound as exc:
            _fail(str(exc))
    Path(out).write_bytes(data)
    typer.echo(ngettext("wrote {file} ({n} byte)", "wrote {file} ({n} bytes)", len(data)).format(
        file=out, n=len(data)))


@command("backup", N_(
    "Copy the whole database to one file, while the app keeps running."))
def backup_cmd(
    file: Annotated[str, typer.Argument(help=N_("Backup file to write (replaced if it exists)."))],
) -> None:
    try:
        backup(database_url(), Path(file))
    except (DatabaseUnavailable, BackupFailed) as exc:
        _fail(str(exc))
    typer.echo(_("backed up {url} to {file}").format(url=_safe_url(), file=file))


@command("restore", N_(
    "Replace every table of the database with a backup (stop the app servers first).\n\n"
    "Checks first that the file is a Second Look backup (format, integrity, tables, a "
    "known schema revision, at least one user) and that nothing else uses the "
    "database, then saves the current database as a safety copy and says where; on "
    "any failure nothing changes."))
def restore_cmd(
    file: Annotated[str, typer.Argument(help=N_("A file written by `manage.py backup`."))],
    yes: Annotated[bool, typer.Option(
        "--yes", help=N_("Do not ask; replace the database's contents."))] = False,
) -> None:
    if not yes and not typer.confirm(
            _("Replace everything in {url} with {file}?").format(url=_safe_url(), file=file),
            default=False):
        _fail(_("nothing restored"))
    try:
        done = restore(database_url(), Path(file))
    except (DatabaseUnavailable, BackupFailed) as exc:
        _fail(str(exc))
    typer.echo(ngettext("restored {file} into {url} (schema {revision}, {n} user)",
                        "restored {file} into {url} (schema {revision}, {n} users)",
                        done.users).format(file=file, url=_safe_url(), revision=done.revision,
                                           n=done.users))
    if done.safety_copy is not None:
        typer.echo(_("the database as it was before is saved in {file}").format(
            file=done.safety_copy))


def _safe_url() -> str:
    url = database_url()
    return url.split("@")[-1] if "@" in url else url


if __name__ == "__main__":
    app()
