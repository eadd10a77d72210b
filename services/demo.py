"""The demo set: data/demo.json loaded into an empty database through the ordinary services.

Every account, position, candidate, interview, scorecard and decision goes through the same
service functions (and so the same validation) as the app: a demo file that the app would refuse
is refused here too. Times in the file are relative ("3 days ago at 14:00 UTC") and are turned
into datetimes when loading, so the demo always looks current.

All demo accounts share one documented password. argon2 hashing costs about 0.1 s, so the first
account is created with `create_user` (which hashes) and the others reuse that hash; every
account is still validated with UserCreate first.

Loading is all or nothing: it starts only on a database without users, and if anything is refused
part-way, the rows it added are removed again so the database is empty as before.
"""

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, SQLModel, func, select

from models import (
    AppSetting,
    AuditEvent,
    CandidateCreate,
    InterviewCreate,
    PositionCreate,
    Role,
    Scorecard,
    ScorecardStatus,
    SeatStatus,
    User,
    UserCreate,
    UserRole,
    aware,
    utcnow,
)
from services import (
    auth,
    candidates,
    decisions,
    i18n,
    interviews,
    positions,
    scorecards,
    settings,
)
from services.db import ROOT, is_empty
from services.errors import InvalidInput, validated
from services.i18n import _, elide, ngettext
from services.templates import default_criteria
from services.viewer import Viewer

DEMO_FILE = ROOT / "data" / "demo.json"

CARD_FIELDS = ("recommendation", "candidate_questions", "salary_heard", "interest", "concerns")
POSITION_FIELDS = ("title", "team", "tasks", "salary_min", "salary_max", "currency",
                   "language", "scale_min", "scale_max")
CANDIDATE_FIELDS = ("name", "email", "stage", "first_interview_notes", "revisit_questions",
                    "salary_expectation")
# A submitted scorecard is never stamped later than this before the moment of loading.
NOT_AFTER = timedelta(minutes=5)


def read_demo(path: Path = DEMO_FILE) -> dict:
    """The demo file's content; refuses a missing or malformed file with one sentence."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InvalidInput(_("Demo file: {path} does not exist").format(path=path)) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(_("Demo file: {name} is not valid JSON ({error})").format(
            name=path.name, error=exc)) from None
    if not isinstance(data, dict) or not all(
        k in data for k in ("password", "users", "positions", "candidates")
    ):
        raise InvalidInput(
            _("Demo file: {name} needs password, users, positions and candidates").format(
                name=path.name)
        )
    return data


def _criteria(position: dict) -> list[dict]:
    """A position's criteria; "default" is the default template in the position's language."""
    if position["criteria"] == "default":
        return default_criteria(position.get("language") or "en")
    return position["criteria"]


def criteria_names(position: dict) -> list[str]:
    """The criterion names of a position in the demo file ("default": the default template in
    the position's language, services.templates.default_criteria)."""
    return [c["name"] for c in _criteria(position)]


def demo_logins(path: Path = DEMO_FILE) -> list[tuple[str, str, str]]:
    """(role description, email, password) of every demo account, for the terminal and README."""
    data = read_demo(path)
    password = data["password"]
    tried = data.get("try") or {}
    teams: dict[str, list[str]] = {}
    for p in data["positions"]:
        teams.setdefault(p.get("hiring_manager", ""), []).append(p.get("team") or p["title"])
    rows: list[tuple[int, str, str, str]] = []
    for order, user in enumerate(data["users"]):
        roles, email = set(user["roles"]), user["email"]
        if Role.admin in roles:
            rank, who = 0, _("Admin")
        elif Role.recruiter in roles:
            rank, who = 1, (_("Recruiter, also on panels") if Role.panelist in roles
                             else _("Recruiter"))
        elif Role.hiring_manager in roles:
            rank, who = 2, _("Hiring manager ({teams})").format(
                teams=", ".join(teams.get(email, [])))
        elif email == tried.get("panelist"):
            rank, who = 3, _("Panelist: score {candidate}").format(
                candidate=tried.get("candidate") or _("a candidate"))
        else:
            rank, who = 4, _("Panelist")
        rows.append((rank * 1000 + order, who, email, password))
    return [(who, email, pw) for _, who, email, pw in sorted(rows)]


def _key(email: str | None) -> str:
    return (email or "").strip().lower()


def _check(data: dict) -> None:
    """Refuse a demo file whose parts do not fit together, before anything is written."""
    problems: list[str] = []

    def check(schema, payload: dict, where: str) -> None:
        try:
            validated(schema, payload)
        except InvalidInput as exc:
            problems.extend(f"{where}: {p}" for p in exc.problems)

    emails = [_key(u.get("email")) for u in data["users"]]
    if len(set(emails)) != len(emails):
        problems.append(_("Users: an email appears twice"))
    if not any(Role.admin in u.get("roles", []) for u in data["users"]):
        problems.append(_("Users: the demo needs an admin"))
    for u in data["users"]:
        if u.get("language") and not i18n.normalise(u["language"]):
            problems.append(_("User {email}: language must be one of {languages}").format(
                email=u.get("email"), languages=", ".join(i18n.LANGUAGES)))
        if u.get("time_zone") and not i18n.valid_time_zone(u["time_zone"]):
            problems.append(_("User {email}: {zone} is not a known time zone").format(
                email=u.get("email"), zone=u["time_zone"]))
        check(UserCreate, {**u, "password": data["password"]},
              _("User {email}").format(email=u.get("email")))
    known = set(emails)

    names: dict[str, list[str]] = {}
    for p in data["positions"]:
        where = _("Position {title}").format(title=p.get("title"))
        if p.get("hiring_manager") and _key(p["hiring_manager"]) not in known:
            problems.append(_("{where}: hiring manager {email} is not a demo user").format(
                where=where, email=p["hiring_manager"]))
        if p.get("time_zone") and not i18n.valid_time_zone(p["time_zone"]):
            problems.append(_("{where}: {zone} is not a known time zone").format(
                where=where, zone=p["time_zone"]))
        try:
            criteria = _criteria(p)
        except KeyError:
            problems.append(_("{where}: criteria is required").format(where=where))
            continue
        check(PositionCreate, {**{k: p[k] for k in POSITION_FIELDS if k in p},
                               "criteria": criteria}, where)
        names[p.get("title")] = criteria_names(p)

    seats: dict[str, set[str]] = {}
    for c in data["candidates"]:
        where = _("Candidate {name}").format(name=c.get("name"))
        if c.get("position") not in names:
            problems.append(_("{where}: position {title!r} is not in the demo").format(
                where=where, title=c.get("position")))
            continue
        check(CandidateCreate, {**{k: c[k] for k in CANDIDATE_FIELDS if k in c},
                                "position_id": 0}, where)
        iv = c.get("interview")
        if not iv:
            if c.get("scorecards"):
                problems.append(_("{where}: scorecards without an interview").format(where=where))
            continue
        panel = [_key(m.get("email")) for m in iv.get("panel", [])]
        problems.extend(_("{where}: panel member {email} is not a demo user").format(
            where=where, email=e) for e in panel if e not in known)
        check(InterviewCreate, {
            "candidate_id": 0, "scheduled_at": datetime(2000, 1, 1, tzinfo=UTC),
            "setting": iv.get("setting", "office"), "location": iv.get("location", ""),
            "panel": [{"user_id": i, "panel_role": m.get("panel_role", "colleague")}
                      for i, m in enumerate(iv.get("panel", []))],
        }, where)
        seats[c.get("name")] = set(panel)
        for card in c.get("scorecards", []):
            if _key(card.get("panelist")) not in panel:
                problems.append(_("{where}: {email} has a scorecard but is not on the "
                                  "panel").format(where=where, email=card.get("panelist")))
            if card.get("status") not in (ScorecardStatus.draft, ScorecardStatus.submitted):
                problems.append(_("{where}: scorecard status must be draft or submitted").format(
                    where=where))
            unknown = set(card.get("scores", {})) - set(names[c["position"]])
            problems.extend(elide(_("{where}: {name!r} is not a criterion of {title}").format(
                where=where, name=name, title=c["position"])) for name in sorted(unknown))
        decision = c.get("decision")
        if decision and _key(decision.get("decided_by")) not in known:
            problems.append(_("{where}: decision maker {email} is not a demo user").format(
                where=where, email=decision.get("decided_by")))

    tried = data.get("try") or {}
    if tried and _key(tried.get("panelist")) not in seats.get(tried.get("candidate"), set()):
        problems.append(_("Try: the panelist to try is not on that candidate's panel"))
    if problems:
        raise InvalidInput(problems)


def _at(now: datetime, days_ago: int, hour: int, minute: int, zone: str | None = None
        ) -> datetime:
    """`days_ago` days before `now`, at hour:minute on the clock of `zone` (the position's
    office; UTC when none), as a UTC moment."""
    local = i18n.zone(zone)
    day = (now.astimezone(local) - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=local).astimezone(UTC)


def _create_users(session: Session, data: dict) -> dict[str, User]:
    """Every demo account (flagged demo), hashing the shared password once."""
    payloads = [validated(UserCreate, {**u, "password": data["password"]})
                for u in data["users"]]
    first = auth.create_user(session, payloads[0], demo=True)
    users = {first.email: first}
    for p in payloads[1:]:
        user = User(name=p.name, email=p.email, password_hash=first.password_hash, demo=True)
        session.add(user)
        session.flush()
        for role in sorted(set(p.roles)):
            session.add(UserRole(user_id=user.id, role=role))
        users[user.email] = user
    for u in data["users"]:
        user = users[_key(u["email"])]
        user.language = i18n.normalise(u.get("language"))
        user.time_zone = u.get("time_zone") or None
        session.add(user)
    session.commit()
    return users


def _wipe(session: Session) -> None:
    """Remove what a failed load added (the database had no users when it started).

    Audit rows stay: the database refuses to delete them (migration 0004), and they record
    that a load was tried.
    """
    session.rollback()
    keep = {AppSetting.__tablename__, AuditEvent.__tablename__}
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in keep:
            session.execute(table.delete())
    session.commit()


def load_demo(session: Session, path: Path = DEMO_FILE, *, now: datetime | None = None) -> dict:
    """Load the demo set into an empty database; returns how many of each thing were made."""
    if not is_empty(session):
        n = session.exec(select(func.count(User.id))).one()
        raise InvalidInput(
            ngettext("The database already has {n} user; the demo set loads only into an "
                     "empty database. Nothing was changed.",
                     "The database already has {n} users; the demo set loads only into an "
                     "empty database. Nothing was changed.", n).format(n=n)
        )
    data = read_demo(path)
    _check(data)
    now = aware(now or utcnow())
    try:
        counts = _load(session, data, now)
    except Exception:
        _wipe(session)
        raise
    settings.set_setting(session, "demo_mode", "true")
    return counts


def _load(session: Session, data: dict, now: datetime) -> dict:
    users = _create_users(session, data)
    admin = next(users[_key(u["email"])] for u in data["users"] if Role.admin in u["roles"])
    actor = auth.viewer_for(session, admin)
    counts = {"users": len(users), "positions": 0, "candidates": 0, "interviews": 0,
              SeatStatus.submitted: 0, "drafts": 0, SeatStatus.not_started: 0, "decisions": 0}

    by_title, zones = {}, {}  # the time zone each position's interview hours are given in
    for p in data["positions"]:
        payload = {k: p[k] for k in POSITION_FIELDS if k in p}
        payload["criteria"] = _criteria(p)
        manager = users.get(_key(p.get("hiring_manager")))
        payload["hiring_manager_id"] = manager.id if manager else None
        position = positions.create_position(session, actor, payload)
        template = positions.current_template(session, position.id)
        criteria = {c.name: c.id for c in positions.criteria_of(session, template.id)}
        position.created_at = now - timedelta(days=p.get("created_days_ago", 35))
        session.add(position)
        session.commit()
        by_title[p["title"]] = (position, criteria)
        zones[p["title"]] = p.get("time_zone")
        counts["positions"] += 1

    for c in data["candidates"]:
        position, criteria = by_title[c["position"]]
        payload = {k: c[k] for k in CANDIDATE_FIELDS if k in c}
        candidate = candidates.create_candidate(session, actor,
                                                {**payload, "position_id": position.id})
        counts["candidates"] += 1
        iv = c.get("interview")
        when = _at(now, iv["days_ago"], iv.get("hour", 10), iv.get("minute", 0),
                   zones.get(c["position"])) if iv else now
        candidate.created_at = when - timedelta(days=14)
        session.add(candidate)
        session.commit()
        if not iv:
            continue
        interview = interviews.schedule_interview(session, actor, {
            "candidate_id": candidate.id, "scheduled_at": when,
            "setting": iv.get("setting", "office"), "location": iv.get("location", ""),
            "panel": [{"user_id": users[_key(m["email"])].id,
                       "panel_role": m.get("panel_role", "colleague")} for m in iv["panel"]],
        })
        interview.created_at = when - timedelta(days=6)
        session.add(interview)
        session.commit()
        counts["interviews"] += 1
        cards = c.get("scorecards", [])
        counts[SeatStatus.not_started] += len(iv["panel"]) - len(cards)
        for card in cards:
            panelist = auth.viewer_for(session, users[_key(card["panelist"])])
            _fill_card(session, interview.id, panelist, card, criteria, when, now)
            submitted = card["status"] == ScorecardStatus.submitted
            counts[SeatStatus.submitted if submitted else "drafts"] += 1
        if c.get("decision"):
            _decide(session, candidate.id, c["decision"], users, now)
            counts["decisions"] += 1
    return counts


def _fill_card(session: Session, interview_id: int, panelist: Viewer, card: dict,
               criteria: dict[str, int], when: datetime, now: datetime) -> None:
    """Open, fill and (when the file says so) submit one panelist's scorecard, as them."""
    kit = scorecards.open_scorecard(session, panelist, interview_id)
    card_id = kit.scorecard.id
    fields = {k: card[k] for k in CARD_FIELDS if card.get(k) not in (None, "")}
    if fields:
        scorecards.save_fields(session, panelist, card_id, fields)
    for name, score in card.get("scores", {}).items():
        scorecards.save_score(session, panelist, card_id, {
            "criterion_id": criteria[name], "value": score.get("value"),
            "not_assessed": bool(score.get("not_assessed", False)),
            "evidence": score.get("evidence", ""),
        })
    submitted = card["status"] == ScorecardStatus.submitted
    if submitted:
        scorecards.submit(session, panelist, card_id)
    # The services stamp "now"; the demo spreads the stamps over the hours after the interview.
    stamp = when + timedelta(hours=card.get("hours_after_interview", 2))
    stamp = max(when, min(stamp, now - NOT_AFTER))
    row = session.get(Scorecard, card_id)
    row.updated_at = stamp
    if submitted:
        row.submitted_at = stamp
    session.add(row)
    session.commit()


def _decide(session: Session, candidate_id: int, decision: dict, users: dict[str, User],
            now: datetime) -> None:
    """Record a decision as the person the file names (the position's hiring manager)."""
    maker = auth.viewer_for(session, users[_key(decision["decided_by"])])
    row = decisions.record_decision(session, maker, {
        "candidate_id": candidate_id, "outcome": decision["outcome"],
        "rationale": decision["rationale"],
    })
    row.decided_at = now - timedelta(days=decision.get("days_ago", 0))
    session.add(row)
    session.commit()

