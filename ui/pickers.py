"""How a candidate is named wherever one is picked: one function, so every picker agrees.

Two people of the same name applying for different positions must be told apart, and so must
two of the same name for the same position (then the e-mail, else the record number, is added).
"""

from collections import Counter
from collections.abc import Iterable


def candidate_labels(rows: Iterable[tuple[int, str, str, str | None]]) -> dict[int, str]:
    """{candidate id: "Name · Position"} from (id, name, position title, email) rows; when name
    and position still repeat, the e-mail (or "#id") follows."""
    rows = list(rows)
    base = {cid: f"{name} · {title}" for cid, name, title, _ in rows}
    repeats = Counter(base.values())
    return {cid: base[cid] if repeats[base[cid]] == 1 else f"{base[cid]} · {email or f'#{cid}'}"
            for cid, _, _, email in rows}


def labels_for(candidates, positions) -> dict[int, str]:
    """candidate_labels for Candidate rows, with titles from Position rows."""
    titles = {p.id: p.title for p in positions}
    return candidate_labels((c.id, c.name, titles.get(c.position_id, "?"), c.email)
                            for c in candidates)
