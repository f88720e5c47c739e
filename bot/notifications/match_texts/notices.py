"""What staff and mentors are told about requests and offers, marked for translation and
rendered in each reader's language by `bot.notifications.match_texts.outgoing`."""

from __future__ import annotations

from bot.i18n import N_

NEW_REQUEST = N_("New request for mentors: the %(family)s family (%(urgency)s), from %(worker)s.")
OPEN_BUTTON = N_("Open the request")
OFFER_TEXT = N_(
    "<b>A family is looking for a mentor.</b> The programme thinks you could fit well. "
    "Here is what you can know before you decide:"
)
ACCEPT = N_("Yes, I accept")
DECLINE = N_("No, I decline")
PLAN_FIRST = N_("Plan the first meeting")
JOINED = N_("%(mentor)s accepted to mentor the %(family)s family. The team has %(n)s mentor(s).")
DECLINED = N_("%(mentor)s declined to mentor the %(family)s family: %(reason)s.")
OVERDUE = N_(
    "⚠️ The %(family)s family has been waiting for a mentor for %(days)s days, longer than "
    "the programme's limit of %(limit)s days."
)
