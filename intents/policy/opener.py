"""Layer 1 and the sentences many replies open with: the greeting, the fixed phrases worth
synthesizing before the first call, and the questions the core asks word for word. Pure."""

from __future__ import annotations

from intents.i18n import N_, speaking, t
from intents.policy import common as common
from intents.policy.common import RESTATE, restated
from intents.policy.config import DialogueConfig

# Msgids (English templates): said with t() in the call's language.
# A reply that opens with a fixed clause ("Thanks.") starts at once (its audio is cached) while the
# rest, with the caller's digits in it, is synthesized behind it: ~80 ms sooner than opening on them.
ASK_ORDER = N_("What's your order number?")
ASK_CONTACT = N_("To keep your order safe, what's the email, phone number or postcode on it?")
ASK_SPELL = N_("Could you say the order number digit by digit?")
ASK_CONTACT_AGAIN = N_("I need the email, phone number or postcode on the order before I can go on.")
NO_CHANGE = N_("All right, I won't change anything.")
# Asked after a second answer with nothing usable in it: saying the same line again would not help.
ASK_CONTACT_SLOWLY = N_(
    "Sorry, I still didn't catch it. Could you say the postcode one character at a time? "
    "Or the phone number, digit by digit."
)


def greeting(config: DialogueConfig, language: str | None = None) -> str:
    """Layer 1, the opener: who is speaking and a concrete promise, no filler (in ``language``,
    default the current one)."""
    p = config.persona
    with speaking(language):
        hello = t("Hi, this is {agent_name} from {store_name} {team}.", agent_name=p.agent_name,
                  store_name=p.store_name, team=t(p.team))
        return f"{hello} {t(p.promise)} {t('What happened?')}"


def fixed_phrases(config: DialogueConfig, language: str | None = None) -> tuple[str, ...]:
    """Sentences that open many replies, word for word: worth synthesizing before the first call
    (in ``language``, default the current one: one cache per served language).

    Their first clause is what the caller waits for; the rest is synthesized while it plays.
    """
    with speaking(language):
        return _fixed_phrases(config)


def _fixed_phrases(config: DialogueConfig) -> tuple[str, ...]:
    p = config.persona
    return (
        greeting(config),
        t("Thanks for calling {store_name}.", store_name=p.store_name),
        t("Thanks, that matches."),
        t("Thanks."),
        t("Done."),
        t("Of course."),
        t("Sorry, I didn't catch that."),
        t("Sorry, I still didn't catch it."),
        t("Sorry, those details don't match what I have for that order."),
        t(common.ANYTHING_ELSE),
        t(ASK_ORDER),
        t(ASK_CONTACT),
        t(ASK_SPELL),
        t(ASK_CONTACT_AGAIN),
        *(t("So {restated}.", restated=restated(problem)) for problem in RESTATE),
    )
