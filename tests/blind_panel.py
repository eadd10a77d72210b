"""A panel to test blind scoring on: who sits on it unsubmitted must read nothing of the others.

`blind_panel(make, session, seated)` builds a position whose candidate Cara has one interview
with three seats: `seated` (the viewer under test, a draft of their own), Sam (submitted) and
Dora (a draft). Every free-text field of Sam's and Dora's cards holds a unique marker, and their
recommendations are ones the seated viewer does not give, so a leak of any of them shows up in
whatever a service returns.
"""

import re
from dataclasses import dataclass

from services import consensus, decisions, positions, scorecards

SUBMITTED = {"evidence": "Quokka-submitted-evidence", "candidate_questions": "Quokka-questions",
             "interest": "Quokka-interest", "concerns": "Quokka-concerns"}
DRAFT = {"evidence": "Narwhal-draft-evidence", "candidate_questions": "Narwhal-questions",
         "interest": "Narwhal-interest", "concerns": "Narwhal-concerns"}
OWN = {"evidence": "Own-draft-evidence"}
CONSENSUS_NOTE = "Pangolin-consensus-note"
DECISION_RATIONALE = "Pangolin-decision-rationale"
# Colleagues' salary figures and recommendations, none of them the seated viewer's own.
SUBMITTED_SALARY, DRAFT_SALARY = 91357, 82468
SUBMITTED_REC, DRAFT_REC = "strong_no", "strong_yes"
# What the colleagues' scorecards hold; the decision and consensus (the manager's, not a
# colleague's card) are checked where a view withholds them too (the candidate-data export).
CARD_MARKERS = [*SUBMITTED.values(), *DRAFT.values(), str(SUBMITTED_SALARY), str(DRAFT_SALARY)]
MARKERS = [*CARD_MARKERS, CONSENSUS_NOTE, DECISION_RATIONALE]


@dataclass
class BlindPanel:
    position: object
    cara: object
    interview: object
    seated: object
    submitted: object
    draft: object
    manager: object


def _fill(session, make, interview, user, values, rec, texts, salary, *, submit):
    card = make.scorecard(interview, user, values, rec, submit=False, evidence=texts["evidence"])
    fields = {k: v for k, v in texts.items() if k != "evidence"}
    if salary is not None:
        fields["salary_heard"] = salary
    if fields:
        scorecards.save_fields(session, make.viewer(user), card.id, fields)
    if submit:
        scorecards.submit(session, make.viewer(user), card.id)
    return card


def blind_panel(make, session, seated, *, title: str = "Blind Position") -> BlindPanel:
    """Cara's panel: `seated` (own draft), Sam submitted, Dora drafting; decision, consensus."""
    manager = make.user("hiring_manager", name="Hana Manager")
    sam = make.user("panelist", name="Sam Submitted")
    dora = make.user("panelist", name="Dora Draft")
    position = make.position(manager=manager, title=title)
    cara = make.candidate(position, name="Cara Candidate")
    iv = make.interview(cara, [seated, sam, dora])
    _fill(session, make, iv, sam, [5, 1, 5, 1], SUBMITTED_REC, SUBMITTED, SUBMITTED_SALARY,
          submit=True)
    _fill(session, make, iv, dora, [1, 5, 1, 5], DRAFT_REC, DRAFT, DRAFT_SALARY, submit=False)
    _fill(session, make, iv, seated, [3, 3, 3, 3], "yes", OWN, None, submit=False)
    crit = positions.criteria_of(session, positions.current_template(session, position.id).id)[0]
    boss = make.viewer(manager)
    decisions.record_decision(session, boss, {"candidate_id": cara.id, "outcome": "hold",
                                              "rationale": DECISION_RATIONALE})
    consensus.record_consensus(session, boss, {"candidate_id": cara.id, "criterion_id": crit.id,
                                               "value": 4, "note": CONSENSUS_NOTE})
    return BlindPanel(position=position, cara=cara, interview=iv, seated=seated,
                      submitted=sam, draft=dora, manager=manager)


def leaked(text: str, markers: list[str] = MARKERS) -> list[str]:
    """The markers found in a text. A number counts only as a whole number: the digits of a
    timestamp's fraction or of a longer id can spell a salary ("19:05:12.913570")."""
    return [m for m in markers
            if (re.search(rf"(?<![\d.]){m}(?!\d)", text) if m.isdigit() else m in text)]
