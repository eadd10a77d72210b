"""Errors services raise for people to read: each names what is wrong, nothing is half-done."""

from pydantic import ValidationError


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


FIELD_NAMES = {
    "name": "Name",
    "email": "Email",
    "title": "Title",
    "roles": "Roles",
    "password": "Password",
    "panel": "Panel",
    "criteria": "Criteria",
    "weight": "Weight",
    "currency": "Currency",
    "rationale": "Rationale",
    "salary_min": "Salary band minimum",
    "salary_max": "Salary band maximum",
    "salary_expectation": "Salary expectation",
    "salary_heard": "Salary heard",
    "scheduled_at": "Date and time",
}


def _field(loc: tuple) -> str:
    parts = [FIELD_NAMES.get(str(p), str(p).replace("_", " ").capitalize()) for p in loc]
    # Index entries ("criteria", 2, "name") read better as "Criteria 3: Name".
    out: list[str] = []
    for p, raw in zip(parts, loc, strict=True):
        if isinstance(raw, int):
            out[-1] = f"{out[-1]} {raw + 1}"
        else:
            out.append(p)
    return ": ".join(out)


def _message(err: dict) -> str:
    msg = err.get("msg", "is invalid")
    msg = msg.removeprefix("Value error, ")
    kind = err.get("type", "")
    if kind == "missing":
        msg = "is required"
    elif kind == "string_too_short":
        n = err.get("ctx", {}).get("min_length", 1)
        msg = "must not be empty" if n == 1 else f"must be at least {n} characters"
    elif kind == "string_too_long":
        msg = f"must be at most {err.get('ctx', {}).get('max_length')} characters"
    elif kind == "value_error" and "email" in msg.lower():
        msg = "is not a valid email address"
    return msg


def explain(exc: ValidationError) -> InvalidInput:
    """Turn pydantic's error into an InvalidInput whose sentences name the field."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err.get("loc", ()) if p != "__root__")
        text = _message(err)
        problems.append(f"{_field(loc)}: {text}" if loc else text[:1].upper() + text[1:])
    return InvalidInput(problems)


def validated(schema, data):
    """Validate `data` (a dict or model) with `schema`, raising InvalidInput on failure."""
    try:
        if isinstance(data, dict):
            return schema.model_validate(data)
        return schema.model_validate(data.model_dump() if hasattr(data, "model_dump") else data)
    except ValidationError as exc:
        raise explain(exc) from None
