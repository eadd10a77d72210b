"""The default scorecard template of each language a position may be written in.

Three dimensions of a second interview (technical skills, social qualities, company knowledge),
each criterion anchored. The templates are content stored with a position, not interface text:
a position keeps its criteria whatever language its readers use, so they are not in the gettext
catalogue. services.positions starts a new position from `default_criteria(language)`.
"""

from services import i18n

# The starting template for a new position, built on the three dimensions of a second interview.
DEFAULT_CRITERIA: list[dict] = [
    {"name": "Depth on the position's tasks", "dimension": "technical", "weight": 2.0,
     "description": "Walks through how they would do the tasks on the position's list.",
     "anchor_low": "Vague or generic answers; could not go beyond the first interview.",
     "anchor_mid": "Sound on most tasks; needs support on the harder ones.",
     "anchor_high": "Concrete, experienced answers on every task, including trade-offs."},
    {"name": "Situational exercise", "dimension": "technical", "weight": 1.5,
     "description": "The exercise or case worked through during the interview.",
     "anchor_low": "Did not reach a workable approach.",
     "anchor_mid": "Workable approach with some gaps.",
     "anchor_high": "Clear, well-reasoned approach; spotted the traps."},
    {"name": "Test results", "dimension": "technical", "weight": 1.0,
     "description": "Results of any practical test taken for this interview.",
     "anchor_low": "Well below what the role needs.",
     "anchor_mid": "Meets what the role needs.",
     "anchor_high": "Clearly above what the role needs."},
    {"name": "Communication", "dimension": "social", "weight": 1.0,
     "description": "Clarity, structure and honesty of answers.",
     "anchor_low": "Hard to follow; evasive.",
     "anchor_mid": "Clear on most points.",
     "anchor_high": "Clear, structured and candid throughout."},
    {"name": "Interaction with the panel", "dimension": "social", "weight": 1.0,
     "description": "How they engaged with each panel member, not only the most senior.",
     "anchor_low": "Addressed one person; dismissive of others.",
     "anchor_mid": "Engaged with most of the panel.",
     "anchor_high": "Engaged everyone and adapted to each angle."},
    {"name": "Listening", "dimension": "social", "weight": 1.0,
     "description": "Answers the question asked; builds on what others say.",
     "anchor_low": "Often answered a different question.",
     "anchor_mid": "Usually on point.",
     "anchor_high": "Picked up nuances and followed up on them."},
    {"name": "Understanding of the company and its plans", "dimension": "company",
     "weight": 1.0,
     "description": "What they know of the company, its market and direction.",
     "anchor_low": "Knows little beyond the job advert.",
     "anchor_mid": "Knows the basics and current products.",
     "anchor_high": "Understands strategy and where the role fits in it."},
    {"name": "Quality of the candidate's own questions", "dimension": "company", "weight": 1.0,
     "description": "The questions the candidate asked the panel.",
     "anchor_low": "No questions, or only about perks.",
     "anchor_mid": "Sensible questions about the role.",
     "anchor_high": "Insightful questions about team, plans and challenges."},
]


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
