"""Second Look's command line for operators. Every command takes the database from DATABASE_URL
(default: data/secondlook.db)."""

import functools
import sys
from typing import Annotated

import typer

from services.access import OPERATOR
from services.db import DatabaseUnavailable, database_url, is_empty, migrate, session_scope

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def user_error_message(exc: BaseException) -> str | None:
    """One line for an error the operator caused (a path, a value, a name), else None."""
    from services.backup import BackupFailed
    from services.errors import Conflict, InvalidInput, NotAllowed, NotFound

    if isinstance(exc, InvalidInput):
        return "; ".join(exc.problems)
    if isinstance(exc, (NotFound, NotAllowed, Conflict, BackupFailed, DatabaseUnavailable)):
        return str(exc)
    if isinstance(exc, OSError):  # missing file or folder, a folder given for a file, rights
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or str(exc)
        hints = {IsADirectoryError: " (give a file, not a folder)",
                 FileNotFoundError: " (check the path and that its folder exists)",
                 PermissionError: " (check the file's and folder's permissions)"}
        return f"{where}{reason}{hints.get(type(exc), '')}"
    if isinstance(exc, OverflowError):
        return f"a number is too large: {exc}"
    if isinstance(exc, (ValueError, UnicodeError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def command(name: str):
    """app.command, with the top-level handler: a user error becomes one line on stderr and
    exit status 1; anything else (a bug) keeps its traceback."""
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

        return app.command(name)(wrapper)

    return decorate


def _migrate_or_fail() -> None:
    try:
        migrate()
    except DatabaseUnavailable as exc:
        _fail(str(exc))


@command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade the database schema to the newest migration."""
    _migrate_or_fail()
    typer.echo(f"database is up to date: {_safe_url()}")


@command("seed-demo")
def seed_demo(
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="Load only when the database has no users; otherwise say so.")] = False,
) -> None:
    """Load the demo data set (demo accounts, positions, candidates, scorecards)."""
    from services.demo import demo_logins, load_demo
    from services.errors import InvalidInput
    from services.settings import demo_mode

    _migrate_or_fail()
    with session_scope() as s:
        if not is_empty(s):
            if not if_empty:
                _fail("the database already holds data; demo data goes only into an empty one")
            if demo_mode(s):
                _print_logins(demo_logins())
            else:
                typer.echo("database holds data already; demo data not loaded")
            return
        try:
            counts = load_demo(s)
        except InvalidInput as exc:
            _fail("; ".join(exc.problems))
    typer.echo("demo data loaded: "
               + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    _print_logins(demo_logins())


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    typer.echo("\nDemo logins (demo mode):")
    for who, email, password in logins:
        typer.echo(f"  {who:<36} {email:<32} password: {password}")
    typer.echo("")


@command("create-user")
def create_user_cmd(
    email: Annotated[str, typer.Option(prompt=True, help="Login email.")],
    name: Annotated[str, typer.Option(prompt=True, help="Full name.")],
    role: Annotated[list[str], typer.Option(
        help="Role: admin, recruiter, hiring_manager or panelist; repeat for several.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input instead of a prompt."
    )] = False,
) -> None:
    """Add an account; the password is prompted (hidden) or read from standard input."""
    from services.auth import create_user
    from services.errors import InvalidInput

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    _migrate_or_fail()
    with session_scope() as s:
        try:
            user = create_user(s, {"name": name, "email": email, "roles": role,
                                   "password": password})
        except InvalidInput as exc:
            _fail("; ".join(exc.problems))
    typer.echo(f"created user {user.email} with roles {', '.join(sorted(set(role)))}")


@command("import-scores")
def import_scores_cmd(
    file: Annotated[str, typer.Argument(help="CSV (UTF-8) or xlsx file, one row per score.")],
    scale: Annotated[str, typer.Option(
        help="Rating scale of positions this import creates, e.g. 1-5, 1-7, 1-10.")] = "1-5",
) -> None:
    """Import scores in long format; all rows or none (see README for the columns)."""
    from pathlib import Path

    from services.errors import InvalidInput
    from services.scores_io import import_scores, parse_scale

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
                _fail(f"{exc.problems[0]}; nothing imported")
            for problem in exc.problems:
                typer.echo(problem, err=True)
            typer.echo(f"nothing imported: {len(exc.problems)} problem(s)", err=True)
            raise typer.Exit(1) from None
    typer.echo(result.summary())


@command("report")
def report_cmd(
    position: Annotated[str, typer.Option(help="The position's exact title.")],
    format: Annotated[str, typer.Option(help="json or csv.")] = "json",
    out: Annotated[str | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Write a position's aggregate: scores, intervals, ties, reliability, panelists."""
    import json
    from pathlib import Path

    from services.errors import NotFound
    from services.report import position_by_title, position_report, report_csv_text

    if format not in ("json", "csv"):
        _fail(f"--format: {format!r} is not json or csv")
    _migrate_or_fail()
    with session_scope() as s:
        try:
            report = position_report(s, position_by_title(s, position).id)
        except NotFound as exc:
            _fail(str(exc))
    text = (json.dumps(report, indent=2, ensure_ascii=False) + "\n" if format == "json"
            else report_csv_text(report))
    if out:
        Path(out).write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")
    else:
        typer.echo(text, nl=False)


@command("export")
def export_cmd(
    position: Annotated[str, typer.Option(help="The position's exact title.")],
    format: Annotated[str, typer.Option(
        help="csv (scores, import-scores format), xlsx (scores and summary) or pdf "
             "(debrief pack).")] = "csv",
    out: Annotated[str, typer.Option(help="The file to write.")] = "",
) -> None:
    """Export a position: its scores as CSV or Excel, or its PDF debrief pack."""
    from pathlib import Path

    from services.errors import NotFound
    from services.exports import FORMATS, export
    from services.report import position_by_title

    if format not in FORMATS:
        _fail(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    if not out:
        _fail("--out: give the file to write")
    _migrate_or_fail()
    with session_scope() as s:
        try:
            data = export(s, OPERATOR, position_by_title(s, position).id, format)
        except NotFound as exc:
            _fail(str(exc))
    Path(out).write_bytes(data)
    typer.echo(f"wrote {out} ({len(data)} bytes)")


@command("backup")
def backup_cmd(
    file: Annotated[str, typer.Argument(help="Backup file to write (replaced if it exists).")],
) -> None:
    """Copy the whole database to one file, while the app keeps running."""
    from pathlib import Path

    from services.backup import BackupFailed, backup

    try:
        backup(database_url(), Path(file))
    except (DatabaseUnavailable, BackupFailed) as exc:
        _fail(str(exc))
    typer.echo(f"backed up {_safe_url()} to {file}")


@command("restore")
def restore_cmd(
    file: Annotated[str, typer.Argument(help="A file written by `manage.py backup`.")],
    yes: Annotated[bool, typer.Option(
        "--yes", help="Do not ask; replace the database's contents.")] = False,
) -> None:
    """Replace every table of the database with a backup (stop the app servers first).

    Checks first that the file is a Second Look backup (format, integrity, tables, a known
    schema revision, at least one user) and that nothing else uses the database, then saves
    the current database as a safety copy and says where; on any failure nothing changes."""
    from pathlib import Path

    from services.backup import BackupFailed, restore

    if not yes and not typer.confirm(
            f"Replace everything in {_safe_url()} with {file}?", default=False):
        _fail("nothing restored")
    try:
        done = restore(database_url(), Path(file))
    except (DatabaseUnavailable, BackupFailed) as exc:
        _fail(str(exc))
    typer.echo(f"restored {file} into {_safe_url()} (schema {done.revision}, "
               f"{done.users} user{'s' if done.users != 1 else ''})")
    if done.safety_copy is not None:
        typer.echo(f"the database as it was before is saved in {done.safety_copy}")


def _safe_url() -> str:
    url = database_url()
    return url.split("@")[-1] if "@" in url else url


if __name__ == "__main__":
    app()
