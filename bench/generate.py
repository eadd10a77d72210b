"""Synthetic history for the benchmark: a large employer's second interviews, bulk-inserted.

Realistic in shape rather than in content: positions of 5 to 200 candidates (log-uniform, so most
are small), 8 to 12 criteria over the three dimensions, mostly 1-5 scales, panels of 2 to 4 drawn
from a pool of panelists who each have their own leniency, some panelists who have not started or
left a draft, some "not assessed" scores, decisions and consensus scores. The schema is the real
one (services.db.migrate); rows go in through the driver in one transaction per table, with ids
assigned here so nothing needs reading back.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from models import DIMENSIONS, RECOMMENDATIONS
from services import score_pairs
from services.auth import hash_password

SCALES = ((1, 5),) * 7 + ((1, 4), (1, 7), (1, 10))
# The first position is always this big: the dashboard is timed on it.
BIG_POSITION = 200
EPOCH = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)


@dataclass
class Generated:
    """What was generated: row counts and the ids the benchmark needs."""

    scores: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    big_position_id: int = 1
    big_manager_id: int = 0
    admin_id: int = 1
    # One draft scorecard (id, panelist, criteria ids, scale) per saving round of the benchmark.
    drafts: list[tuple[int, int, list[int], tuple[int, int]]] = field(default_factory=list)


def _stamp(dt: datetime) -> str:
    # The text form SQLAlchemy writes for DateTime on SQLite (and PostgreSQL accepts it).
    return dt.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class _Writer:
    """Bulk rows into one table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, raw, dialect: str):
        self.raw, self.dialect = raw, dialect

    def rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        cur = self.raw.cursor()
        quoted = ", ".join(f'"{c}"' for c in columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" * len(columns))
            cur.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)
        else:
            with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        cur.close()


def _bulk_scores(w: _Writer, conn, dialect: str, scores: list[tuple]) -> None:
    """The score rows, with scorecard.score_pairs already written beside the cards.

    PostgreSQL's triggers would rewrite every card's pairs and sums again (once per score
    before migration 0006, once per statement since); they are switched off for the COPY, in
    the same transaction, since the pairs and sums are written already. SQLite cannot switch a
    trigger off; there it rewrites the same pairs and sums (several seconds a million scores).
    """
    columns = ["id", "scorecard_id", "criterion_id", "value", "not_assessed", "evidence"]
    if dialect == "postgresql":
        cur = conn.cursor()
        for trigger in ("score_pairs_sync", "score_pairs_inserted"):
            cur.execute(f"ALTER TABLE score DISABLE TRIGGER {trigger}")
        w.rows("score", columns, scores)
        for trigger in ("score_pairs_sync", "score_pairs_inserted"):
            cur.execute(f"ALTER TABLE score ENABLE TRIGGER {trigger}")
        cur.close()
    else:
        w.rows("score", columns, scores)


def generate(engine, target_scores: int, *, seed: int = 7) -> Generated:
    """Fill a freshly migrated, empty database with about `target_scores` score rows."""
    rng = np.random.default_rng(seed)
    out = Generated()
    # Plan positions until the expected number of score rows reaches the target
    # (about 0.9 of the panel writes scores; see the statuses below).
    sizes, n_criteria, scales = [], [], []
    expected = 0.0
    while expected < target_scores:
        n = BIG_POSITION if not sizes else int(np.exp(rng.uniform(np.log(5), np.log(201))))
        k = int(rng.integers(8, 13))
        sizes.append(n)
        n_criteria.append(k)
        scales.append(SCALES[int(rng.integers(len(SCALES)))] if len(sizes) > 1 else (1, 5))
        expected += n * 3 * 0.9 * k
    n_pos = len(sizes)
    n_cand = int(sum(sizes))
    n_pan = max(12, n_cand // 25)
    n_hm = max(2, n_pos // 3)

    pw = hash_password("benchmark only, never a login")
    now = _stamp(EPOCH)
    users, roles = [], []
    uid = 0

    def add_user(name: str, role: str, team: str) -> int:
        nonlocal uid
        uid += 1
        users.append((uid, name, f"u{uid}@bench.example", team, pw, True, False, 0, now))
        roles.append((uid, uid, role))
        return uid

    out.admin_id = add_user("Bench Admin", "admin", "People")
    managers = [add_user(f"Manager {i}", "hiring_manager", "Eng") for i in range(n_hm)]
    panelists = np.array([add_user(f"Panelist {i}", "panelist", "Eng") for i in range(n_pan)])
    leniency = dict(zip(panelists.tolist(), rng.normal(0, 0.35, n_pan).tolist(), strict=True))
    out.big_manager_id = managers[0]

    positions, templates, criteria = [], [], []
    candidates, interviews, members, cards, scores, decisions, consensus = ([] for _ in range(7))
    crit_id = cand_id = pm_id = card_id = score_id = dec_id = cons_id = 0
    for p, (n, k, (lo, hi)) in enumerate(zip(sizes, n_criteria, scales, strict=True), start=1):
        manager = managers[(p - 1) % n_hm]
        positions.append((p, f"Position {p}", "Eng", "[]", 50000, 70000, "EUR", manager, now))
        templates.append((p, p, 1, lo, hi, now))
        dims = [DIMENSIONS[i % 3] for i in range(k)]
        weights = rng.choice([1.0, 1.0, 1.5, 2.0], size=k).tolist()
        crits = []
        for j in range(k):
            crit_id += 1
            crits.append(crit_id)
            criteria.append((crit_id, f"Criterion {j + 1}", dims[j], weights[j], "", "", "", "",
                             p, j))
        weight_of = dict(zip(crits, weights, strict=True))
        span = hi - lo
        for c in range(n):
            cand_id += 1
            day = EPOCH + timedelta(days=int(rng.integers(0, 700)))
            candidates.append((cand_id, f"Candidate {cand_id}", f"c{cand_id}@bench.example", p,
                               "second_interview", "", "", 60000, _stamp(day)))
            # One interview per candidate: its id is the candidate's.
            interviews.append((cand_id, cand_id, _stamp(day), "office", "", _stamp(day)))
            size = int(rng.integers(2, 5))
            panel = rng.choice(panelists, size=size, replace=False).tolist()
            quality = rng.normal(0, 0.6 * span / 4)
            for u in panel:
                pm_id += 1
                members.append((pm_id, cand_id, u, "colleague"))
                status = rng.random()
                if status < 0.07:
                    continue  # not started
                submitted = status >= 0.12
                card_id += 1
                raw = (lo + span / 2 + quality + leniency[u] * span / 4
                       + rng.normal(0, 0.5 * span / 4, k))
                values = np.clip(np.rint(raw), lo, hi).astype(int)
                na = rng.random(k) < 0.04
                if na.all():
                    na[0] = False
                filled = k if submitted else int(rng.integers(1, k + 1))
                mean = float(values[~na].mean())
                step = min(3, max(0, int((mean - lo) / span * 4)))
                rec = RECOMMENDATIONS[step] if submitted or rng.random() < 0.5 else None
                stamp = _stamp(day + timedelta(hours=int(rng.integers(2, 72))))
                if not submitted and len(out.drafts) < 64 and p > 1:
                    out.drafts.append((card_id, u, crits, (lo, hi)))
                pairs = []
                for j in range(filled):
                    score_id += 1
                    v = None if na[j] else int(values[j])
                    ev = ("Clear example given in the interview." if v in (lo, hi)
                          or (score_id % 3 == 0) else "")
                    scores.append((score_id, card_id, crits[j], v, bool(na[j]), ev))
                    pairs.append((crits[j], v))
                # score_pairs and the sums as the triggers of migrations 0003 and 0010 write
                # them (see _bulk_scores).
                cards.append((card_id, rec, "", None, "", "", cand_id, u, p,
                              "submitted" if submitted else "draft",
                              stamp if submitted else None, stamp, 1, "[]",
                              score_pairs.encode(pairs),
                              *score_pairs.sums((weight_of[c], v) for c, v in pairs)))
            if rng.random() < 0.2:
                dec_id += 1
                decisions.append((dec_id, cand_id, ("advance", "reject", "hold")[c % 3],
                                  "Panel agreed.", manager, _stamp(day + timedelta(days=5))))
            if rng.random() < 0.05:
                cons_id += 1
                consensus.append((cons_id, cand_id, crits[0], int(lo + span // 2), "",
                                  manager, _stamp(day + timedelta(days=4))))

    raw = engine.raw_connection()
    try:
        w = _Writer(raw.driver_connection, engine.dialect.name)
        w.rows("user", ["id", "name", "email", "team", "password_hash", "active", "demo",
                        "failed_logins", "created_at"], users)
        w.rows("userrole", ["id", "user_id", "role"], roles)
        w.rows("position", ["id", "title", "team", "tasks", "salary_min", "salary_max",
                            "currency", "hiring_manager_id", "created_at"], positions)
        w.rows("scorecardtemplate", ["id", "position_id", "version", "scale_min", "scale_max",
                                     "created_at"], templates)
        w.rows("criterion", ["id", "name", "dimension", "weight", "description", "anchor_low",
                             "anchor_mid", "anchor_high", "template_id", "position_order"],
               criteria)
        w.rows("candidate", ["id", "name", "email", "position_id", "stage",
                             "first_interview_notes", "revisit_questions", "salary_expectation",
                             "created_at"], candidates)
        w.rows("interview", ["id", "candidate_id", "scheduled_at", "setting", "location",
                             "created_at"], interviews)
        w.rows("panelmember", ["id", "interview_id", "user_id", "panel_role"], members)
        w.rows("scorecard", ["id", "recommendation", "candidate_questions", "salary_heard",
                             "interest", "concerns", "interview_id", "panelist_id",
                             "template_id", "status", "submitted_at", "updated_at", "version",
                             "tasks_covered", "score_pairs", "weighted_sum", "assessed_weight"],
               cards)
        _bulk_scores(w, raw.driver_connection, engine.dialect.name, scores)
        w.rows("decision", ["id", "candidate_id", "outcome", "rationale", "decided_by",
                            "decided_at"], decisions)
        w.rows("consensusscore", ["id", "candidate_id", "criterion_id", "value", "note",
                                  "recorded_by", "recorded_at"], consensus)
        if engine.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; the save benchmark inserts through the ORM.
            cur = raw.driver_connection.cursor()
            for table in ("user", "userrole", "position", "scorecardtemplate", "criterion",
                          "candidate", "interview", "panelmember", "scorecard", "score",
                          "decision", "consensusscore"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                            f"(SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)")
            cur.execute("ANALYZE")
        raw.commit()
        if engine.dialect.name == "sqlite":
            raw.driver_connection.execute("ANALYZE")
    finally:
        raw.close()
    out.scores = len(scores)
    out.counts = {"positions": n_pos, "candidates": n_cand, "panelists": n_pan,
                  "scorecards": len(cards), "scores": len(scores)}
    return out
