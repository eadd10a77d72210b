"""Errors services raise for people to read: each names what is wrong, nothing is half-done."""

import re

from pydantic import ValidationError

from services.i18n import N_, _, ngettext, number


class InvalidInput(ValueError):
    """Input refused; `problems` lists one plain sentence per thing to fix."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class NotAllowed(PermissionError):
    """The acting user may not do or see this."""


class NotFound(LookupError):
    """The thing asked for does not exist (or is not visible to the acting user)."""


class Conflict(RuntimeError):
    """Someone else saved the same record since it was loaded."""


# The schemas' field names as people read them (translated where shown).
FIELD_NAMES = {
    "name": N_("Name"),
    "email": N_("Email"),
    "title": N_("Title"),
    "team": N_("Team"),
    "tasks": N_("Tasks"),
    "roles": N_("Roles"),
    "password": N_("Password"),
    "panel": N_("Panel"),
    "criteria": N_("Criteria"),
    "dimension": N_("Dimension"),
    "weight": N_("Weight"),
    "description": N_("Description"),
    "anchor_low": N_("Low anchor"),
    "anchor_mid": N_("Middle anchor"),
    "anchor_high": N_("High anchor"),
    "currency": N_("Currency"),
    "language": N_("Language"),
    "rationale": N_("Rationale"),
    "outcome": N_("Decision"),
    "salary_min": N_("Salary band minimum"),
    "salary_max": N_("Salary band maximum"),
    "salary_expectation": N_("Salary expectation"),
    "salary_heard": N_("Salary heard"),
    "scheduled_at": N_("Date and time"),
    "setting": N_("Setting"),
    "location": N_("Location"),
    "panel_role": N_("Panel role"),
    "stage": N_("Stage"),
    "first_interview_notes": N_("First interview notes"),
    "revisit_questions": N_("Questions to revisit"),
    "recommendation": N_("Recommendation"),
    "candidate_questions": N_("Candidate's questions"),
    "interest": N_("Interest"),
    "concerns": N_("Concerns"),
    "tasks_covered": N_("Tasks covered"),
    "evidence": N_("Evidence"),
    "note": N_("Note"),
    "value": N_("Score"),
    "not_assessed": N_("Not assessed"),
    "scale_min": N_("Rating scale"),
    "scale_max": N_("Rating scale"),
    "active": N_("Active"),
}


def field_label(name: str) -> str:
    """A schema field's name as people read it, in the current language."""
    known = FIELD_NAMES.get(name)
    return _(known) if known else name.replace("_", " ").capitalize()


def _field(loc: tuple) -> str:
    # Index entries ("criteria", 2, "name") read better as "Criteria 3: Name".
    out: list[str] = []
    for raw in loc:
        if isinstance(raw, int):
            if out:
                out[-1] = f"{out[-1]} {raw + 1}"
            else:
                out.append(str(raw + 1))
        else:
            out.append(field_label(str(raw)))
    text = out[0] if out else ""
    for part in out[1:]:
        text = _("{field}: {problem}").format(field=text, problem=part)
    return text


def _number(value: object) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number(value, 0 if value.is_integer() else 2)


def _message(err: dict) -> str:
    """pydantic's message for one error, in the current language, by the error's type."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg") or N_("is invalid"))
    if kind == "missing":
        return _("is required")
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 1))
        return _("must not be empty") if n <= 1 else ngettext(
            "must be at least {min_length} character", "must be at least {min_length} characters",
            n).format(min_length=number(n))
    if kind == "string_too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("must be at most {max_length} character",
                        "must be at most {max_length} characters", n).format(max_length=number(n))
    if kind == "too_short":
        n = int(ctx.get("min_length", 1))
        return ngettext("must have at least {min_length} item",
                        "must have at least {min_length} items", n).format(min_length=number(n))
    if kind == "too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("must have at most {max_length} item",
                        "must have at most {max_length} items", n).format(max_length=number(n))
    bounds = {"greater_than": (N_("must be greater than {limit}"), "gt"),
              "greater_than_equal": (N_("must be at least {limit}"), "ge"),
              "less_than": (N_("must be less than {limit}"), "lt"),
              "less_than_equal": (N_("must be at most {limit}"), "le")}
    if kind in bounds:
        text, key = bounds[kind]
        return _(text).format(limit=_number(ctx.get(key)))
    simple = {"int_parsing": N_("must be a whole number"),
              "int_from_float": N_("must be a whole number"),
              "int_type": N_("must be a whole number"),
              "float_parsing": N_("must be a number"),
              "float_type": N_("must be a number"),
              "finite_number": N_("must be a finite number"),
              "bool_parsing": N_("must be yes or no"),
              "string_type": N_("must be text"),
              "list_type": N_("must be a list"),
              "date_parsing": N_("must be a date (YYYY-MM-DD)"),
              "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
              "datetime_parsing": N_("must be a date and time"),
              "datetime_from_date_parsing": N_("must be a date and time"),
              "datetime_type": N_("must be a date and time")}
    if kind in simple:
        return _(simple[kind])
    if kind in ("literal_error", "enum"):
        values = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return _("must be one of {values}").format(values=", ".join(values))
    if kind == "value_error":
        if "email address" in msg.lower():
            return _("is not a valid email address")
        # Our own validators' messages are msgids (or already translated): look them up.
        return _(msg.removeprefix("Value error, "))
    return _(msg)


def field_messages(exc: ValidationError) -> list[tuple[tuple, str]]:
    """(location, message) for each error of pydantic's, the message in the current language."""
    return [(tuple(p for p in err.get("loc", ()) if p != "__root__"), _message(err))
            for err in exc.errors()]


def explain(exc: ValidationError) -> InvalidInput:
    """Turn pydantic's error into an InvalidInput whose sentences name the field."""
    problems = []
    for loc, text in field_messages(exc):
        problems.append(_("{field}: {problem}").format(field=_field(loc), problem=text)
                        if loc else text[:1].upper() + text[1:])
    return InvalidInput(problems)


def validated(schema, data):
    """Validate `data` (a dict or model) with `schema`, raising InvalidInput on failure."""
    try:
        if isinstance(data, dict):
            return schema.model_validate(data)
        return schema.model_validate(data.model_dump() if hasattr(data, "model_dump") else data)
    except ValidationError as exc:
        raise explain(exc) from None
