"""Scorecard templates: the default template in each language, copying one position's criteria
to another, and the version history.

The default template (services.positions.DEFAULT_CRITERIA in English, DEFAULT_CRITERIA_FR here)
is chosen by the position's language: `default_criteria(position.language)`.

Editing goes through services.positions.update_position, which starts a new template version once
scorecards exist, so a copy into a position that has been scored never rewrites history either.
"""

from sqlmodel import Session, func, select

from models import Position, Role, Scorecard, ScorecardTemplate
from services import i18n
from services.auth import Viewer
from services.errors import InvalidInput, NotAllowed, NotFound
from services.i18n import _
from services.positions import (
    DEFAULT_CRITERIA,
    criteria_of,
    current_template,
    position_form_data,
    update_position,
)


def template_criteria(session: Session, position_id: int) -> dict:
    """The current scale and criteria of a position, shaped for PositionCreate."""
    data = position_form_data(session, position_id)
    return {"scale_min": data["scale_min"], "scale_max": data["scale_max"],
            "criteria": data["criteria"]}


def copy_template(session: Session, actor: Viewer, source_id: int, target_id: int) -> Position:
    """Give the target position the source position's current criteria and rating scale."""
    if not actor.has(Role.recruiter):
        raise NotAllowed(_("Only recruiters and admins can change positions."))
    if source_id == target_id:
        raise InvalidInput(_("Copy from: choose another position than the one being edited"))
    if session.get(Position, source_id) is None:
        raise NotFound(_("No such position to copy from."))
    data = position_form_data(session, target_id)
    data.pop("template_version", None)
    data.update(template_criteria(session, source_id))
    return update_position(session, actor, target_id, data)


def template_history(session: Session, position_id: int) -> list[dict]:
    """Every template version of a position with its criteria and how many scorecards use it."""
    templates = session.exec(
        select(ScorecardTemplate).where(ScorecardTemplate.position_id == position_id)
        .order_by(ScorecardTemplate.version)
    ).all()
    used = dict(session.exec(
        select(Scorecard.template_id, func.count(Scorecard.id))
        .where(Scorecard.template_id.in_([t.id for t in templates]))
        .group_by(Scorecard.template_id)
    ).all())
    return [{"version": t.version, "template_id": t.id, "scale": (t.scale_min, t.scale_max),
             "criteria": [c.name for c in criteria_of(session, t.id)],
             "scorecards": int(used.get(t.id, 0)), "created_at": t.created_at}
            for t in templates]


def current_version(session: Session, position_id: int) -> int:
    """The version number of the position's current template."""
    return current_template(session, position_id).version


# The default template in French: the same criteria, weights and dimensions as
# services.positions.DEFAULT_CRITERIA (English), written for a Canadian French panel rather than
# translated word for word. It is content stored with a position, not interface text, so it is
# not in the gettext catalogue: a position keeps its criteria whatever language its readers use.
DEFAULT_CRITERIA_FR: list[dict] = [
    {"name": "Maîtrise des tâches du poste", "dimension": "technical", "weight": 2.0,
     "description": "Explique concrètement comment la personne accomplirait les tâches "
                    "du poste.",
     "anchor_low": "Réponses vagues ou génériques; n’est pas allé plus loin qu’à la première "
                   "entrevue.",
     "anchor_mid": "Solide sur la plupart des tâches; aurait besoin de soutien pour les plus "
                   "complexes.",
     "anchor_high": "Réponses concrètes, fondées sur l’expérience, pour chaque tâche, "
                    "compromis compris."},
    {"name": "Mise en situation", "dimension": "technical", "weight": 1.5,
     "description": "L’exercice ou l’étude de cas réalisé pendant l’entrevue.",
     "anchor_low": "N’est pas parvenu à une démarche réaliste.",
     "anchor_mid": "Démarche réaliste, avec quelques lacunes.",
     "anchor_high": "Démarche claire et bien raisonnée; a repéré les pièges."},
    {"name": "Résultats des tests", "dimension": "technical", "weight": 1.0,
     "description": "Les résultats de tout test pratique fait pour cette entrevue.",
     "anchor_low": "Nettement en deçà des exigences du poste.",
     "anchor_mid": "Répond aux exigences du poste.",
     "anchor_high": "Nettement au-delà des exigences du poste."},
    {"name": "Communication", "dimension": "social", "weight": 1.0,
     "description": "Clarté, structure et franchise des réponses.",
     "anchor_low": "Difficile à suivre; évite les questions.",
     "anchor_mid": "Clair sur la plupart des points.",
     "anchor_high": "Clair, structuré et franc du début à la fin."},
    {"name": "Échanges avec le comité", "dimension": "social", "weight": 1.0,
     "description": "Sa façon d’interagir avec chaque membre du comité, pas seulement avec "
                    "la personne la plus haut placée.",
     "anchor_low": "S’adresse à une seule personne; peu d’égards pour les autres.",
     "anchor_mid": "Échange avec la plupart des membres du comité.",
     "anchor_high": "Échange avec tout le monde et s’adapte au point de vue de chacun."},
    {"name": "Écoute", "dimension": "social", "weight": 1.0,
     "description": "Répond à la question posée; rebondit sur ce que disent les autres.",
     "anchor_low": "Répond souvent à côté de la question.",
     "anchor_mid": "Habituellement pertinent.",
     "anchor_high": "Saisit les nuances et y donne suite."},
    {"name": "Connaissance de l’entreprise et de ses projets", "dimension": "company",
     "weight": 1.0,
     "description": "Ce que la personne sait de l’entreprise, de son marché et de son "
                    "orientation.",
     "anchor_low": "En sait peu au-delà de l’offre d’emploi.",
     "anchor_mid": "Connaît l’essentiel et les produits actuels.",
     "anchor_high": "Comprend la stratégie et la place du poste dans celle-ci."},
    {"name": "Pertinence des questions du candidat", "dimension": "company", "weight": 1.0,
     "description": "Les questions que la personne a posées au comité.",
     "anchor_low": "Aucune question, ou seulement sur les avantages sociaux.",
     "anchor_mid": "Questions sensées sur le poste.",
     "anchor_high": "Questions perspicaces sur l’équipe, les projets et les défis."},
]

# The default template of each language a position may be written in.
DEFAULT_TEMPLATES: dict[str, list[dict]] = {"en": DEFAULT_CRITERIA, "fr": DEFAULT_CRITERIA_FR}


def default_criteria(language: str | None = "en") -> list[dict]:
    """The default criteria (three dimensions, anchored) for a position in `language`.

    "fr-CA" and "fr" give the French template; an unknown or empty language the English one.
    The dicts are copies: a caller may edit them without changing the default.
    """
    chosen = DEFAULT_TEMPLATES.get(i18n.normalise(language) or "en", DEFAULT_CRITERIA)
    return [dict(c) for c in chosen]
