"""A feedback question as its reader sees it: the round's heading, the question with its
number, and a button per answer of its scale (`fb:` presses)."""

from __future__ import annotations

from bot.i18n import Translator, isolate
from bot.notifications.match_cycle.callbacks import feedback_answer
from bot.notifications.match_cycle.texts import MENTEE_HEAD, QUESTIONS, ROUND_HEAD
from bot.services.match_cycle import FeedbackQuestion, kind
from domain.values import Buttons
from storage.match_life import Party


def question_message(tr: Translator, asked: FeedbackQuestion) -> tuple[str, Buttons]:
    """The text and buttons of question `asked.index` of a feedback row, for its reader."""
    round_kind = kind(asked.round)
    questions = QUESTIONS[(round_kind, asked.party)]
    question = questions[asked.index]
    months = asked.round.partition(":")[2]
    if asked.party == Party.MENTEE:
        head = tr.gettext(MENTEE_HEAD[round_kind])
    else:
        head = tr.gettext(ROUND_HEAD[round_kind]) % {
            "family": isolate(asked.family),
            "months": months,
        }
    text = f"{head}\n\n{tr.gettext(question.text)}"
    if len(questions) > 1:
        text += f" ({tr.number(asked.index + 1)}/{tr.number(len(questions))})"
    buttons: Buttons = [
        [
            (label, feedback_answer(asked.feedback_id, asked.index, value))
            for value, label in question.scale.items()
        ]
    ]
    return text, buttons
