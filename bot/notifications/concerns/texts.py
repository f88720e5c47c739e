"""The concerns' labels and texts, marked for translation (rendered where they are shown)."""

from __future__ import annotations

from bot.i18n import N_, NP_
from bot.services.escalation import (
    Level,
)
from storage.models import (
    ConcernCategory,
    ConcernStatus,
    HelpKind,
    Severity,
)

CATEGORY_LABELS: dict[ConcernCategory, str] = {
    ConcernCategory.WELLBEING: NP_("concern category", "Wellbeing or mental health"),
    ConcernCategory.SAFETY: NP_("concern category", "Safety or violence"),
    # Translators: what a concern is about (staff and mentors see it): physical or mental health.
    ConcernCategory.HEALTH: NP_("concern category", "Health"),
    # Translators: what a concern is about: the home, eviction, conditions.
    ConcernCategory.HOUSING: NP_("concern category", "Housing"),
    # Translators: what a concern is about: residence permits, asylum, legal matters.
    ConcernCategory.LEGAL: NP_("concern category", "Legal or papers"),
    # Translators: what a concern is about: money problems.
    ConcernCategory.MONEY: NP_("concern category", "Money"),
    ConcernCategory.RELATIONSHIP: NP_(
        "concern category", "The relationship itself (boundaries, conflict)"
    ),
    # Translators: what a concern is about, when no other category fits.
    ConcernCategory.OTHER: NP_("concern category", "Other"),
}


# The same categories in the mentee's simpler words.
PROBLEM_LABELS: dict[ConcernCategory, str] = {
    ConcernCategory.WELLBEING: NP_("concern category, mentee", "I feel bad or very sad"),
    ConcernCategory.SAFETY: NP_("concern category, mentee", "I do not feel safe"),
    # Translators: a mentee's button: 'my problem is about my health'. Plain words.
    ConcernCategory.HEALTH: NP_("concern category, mentee", "Health"),
    # Translators: a mentee's button: 'my problem is about where I live'.
    ConcernCategory.HOUSING: NP_("concern category, mentee", "My home"),
    # Translators: a mentee's button: 'my problem is about my documents' (residence permit, asylum).
    ConcernCategory.LEGAL: NP_("concern category, mentee", "Papers"),
    # Translators: a mentee's button: 'my problem is about money'.
    ConcernCategory.MONEY: NP_("concern category, mentee", "Money"),
    # Translators: a mentee's button; mentor: the volunteer who accompanies them (use the glossary word).
    ConcernCategory.RELATIONSHIP: NP_("concern category, mentee", "A problem with my mentor"),
    # Translators: a mentee's button: none of the others.
    ConcernCategory.OTHER: NP_("concern category, mentee", "Something else"),
}


SEVERITY_LABELS: dict[Severity, str] = {
    # Translators: how serious a concern is, 1 of 4 (not a mood).
    Severity.LOW: NP_("concern severity", "Low"),
    # Translators: how serious a concern is, 2 of 4.
    Severity.MEDIUM: NP_("concern severity", "Medium"),
    # Translators: how serious a concern is, 3 of 4.
    Severity.HIGH: NP_("concern severity", "High"),
    # Translators: how serious a concern is, 4 of 4: someone is in danger now.
    Severity.EMERGENCY: NP_("concern severity", "Emergency"),
}


SEVERITY_MARKS: dict[Severity, str] = {
    Severity.LOW: "⚪",
    Severity.MEDIUM: "🟡",
    Severity.HIGH: "🟠",
    Severity.EMERGENCY: "🔴",
}


# One line each, so that volunteers choose well. %(duration)s: the time staff have to answer.
SEVERITY_HELP: dict[Severity, str] = {
    Severity.LOW: N_("Low: good for staff to know, nothing urgent (answer within %(duration)s)."),
    Severity.MEDIUM: N_(
        "Medium: something is going wrong and needs the worker soon (answer within %(duration)s)."
    ),
    Severity.HIGH: N_(
        "High: a serious risk that needs the worker today (answer within %(duration)s)."
    ),
    Severity.EMERGENCY: N_(
        "Emergency: someone is in danger right now. You will get the emergency number at once."
    ),
}


STATUS_LABELS: dict[ConcernStatus, str] = {
    # Translators: the state of a concern: no worker has taken it on yet.
    ConcernStatus.OPEN: NP_("concern status", "waiting for acknowledgement"),
    # Translators: the state of a concern: a worker has taken it on (see 'Acknowledge' in the glossary).
    ConcernStatus.ACKNOWLEDGED: NP_("concern status", "acknowledged"),
    # Translators: the state of a concern: dealt with and closed.
    ConcernStatus.RESOLVED: NP_("concern status", "resolved"),
    # Translators: the state of a concern: nobody took it on in time (capitals: an alarm).
    ConcernStatus.UNACKNOWLEDGED: NP_("concern status", "NOT ACKNOWLEDGED"),
}


HELP_KIND_LABELS: dict[HelpKind, str] = {
    # Translators: what a help request to staff is about.
    HelpKind.PRACTICAL: NP_("help request kind", "Practical question"),
    HelpKind.RELATIONSHIP: NP_("help request kind", "About the relationship"),
    HelpKind.SUPPORT: NP_("help request kind", "Support for the mentor"),
    HelpKind.MENTEE: NP_("help request kind", "From a mentee"),
}


# How each step of the chain is stated on the cards. Keys: (kind, level, reason).
ESCALATED_TIMEOUT: dict[Level, str] = {
    Level.COORDINATORS: N_("Escalated to the coordinators: not acknowledged within %(duration)s."),
    Level.ADMINS: N_("Escalated to the admins: not acknowledged within %(duration)s."),
}


ESCALATED_UNREACHABLE: dict[Level, str] = {
    Level.COORDINATORS: N_("Escalated to the coordinators: the worker could not be reached."),
    Level.ADMINS: N_("Escalated to the admins: the coordinators could not be reached."),
}


SKIPPED: dict[Level, str] = {
    Level.WORKER: N_("Skipped the worker: cannot be reached by the bot."),
    Level.COORDINATORS: N_("Skipped the coordinators: none can be reached by the bot."),
    Level.ADMINS: N_("Skipped the admins: none can be reached by the bot."),
}


UNACK_TIMEOUT = N_(
    "Nobody acknowledged this concern: the last level did not answer within %(duration)s."
)


UNACK_NOBODY = N_("Nobody acknowledged this concern: nobody on the staff can be reached.")


# What the person who raised a concern is told; mentees in simpler words. (kind, mentee)
REPORTER_NOTICES: dict[tuple[str, bool], str] = {
    ("acknowledged", False): N_(
        "Your concern about %(category)s (%(day)s) was received by %(name)s from the staff."
    ),
    ("resolved", False): N_(
        "Your concern about %(category)s (%(day)s) was marked as resolved by %(name)s."
    ),
    ("reply", False): N_("Message from %(name)s about your concern (%(category)s, %(day)s):"),
    ("acknowledged", True): N_(
        "%(name)s from the programme has read your message (%(category)s, %(day)s)."
    ),
    ("resolved", True): N_(
        "%(name)s from the programme has finished following up your problem (%(category)s, %(day)s)."
    ),
    ("reply", True): N_("Message from %(name)s about your problem (%(category)s, %(day)s):"),
}


WHOLE_TEXT = N_("Show the whole text")


REROUTED = N_(
    "Your concern #%(id)s could not reach the person who had it through the bot, so it went "
    "to the programme's coordinators. They will answer you here."
)


REROUTED_ADMINS = N_(
    "Your concern #%(id)s could not reach the person who had it through the bot, so it went "
    "to the programme's administrators. They will answer you here."
)


UNACKNOWLEDGED_END = N_(
    "Nobody on the staff acknowledged your concern #%(id)s in time. Please phone the office "
    "now: %(phone)s. In an emergency, call %(emergency)s."
)


UNACKNOWLEDGED_NO_OFFICE = N_(
    "Nobody on the staff acknowledged your concern #%(id)s in time. In an emergency, call "
    "%(emergency)s; otherwise please contact your programme's office."
)
