"""The phrase rules behind :func:`intents.nlu.understand`.

Patterns run on normalised text (lower case, no punctuation, contractions expanded: "where's" ->
"where is", "didn't" -> "did not", "colour" -> "color"). Weights are evidence in 0..1; a rule marked
negatable loses most of its weight after "not"/"never" ("I don't want to cancel"). Whisper tiny.en
mishearings seen in practice are included on purpose ("stuck at customers", "the box was crashed").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.types import Intent

_ITEM = r"(?:order|parcel|package|delivery|shipment|stuff|item|items|things?|purchase|goods|product|box)"
_RECEIVE = r"(?:received?|got|gotten|get|gotten|seen|had)"
# "I never got it" (a parcel); "I never got my refund" is refund status, not parcel status.
_NOT_RECEIVED = (
    rf"(?:never|not|did not|have not|has not|not yet)(?: \w+)? {_RECEIVE}"
    r"(?! (?:my |the |a |any |your )?(?:refund|money))"
)
_DAMAGE = (
    r"(?:broken|broke|damaged|damage|crushed|crashed|cracked|smashed|shattered|dented|torn|ripped|leaking|"
    r"leaked|leaks|spilled|spilt|scratched|scratch|scratches|bent|snapped|destroyed|ruined|squashed|burst|chipped)"
)
_WRONG_THING = (
    r"(?:items?|products?|color|size|model|thing|one|stuff|style|version|shoes?|shirt|dress|flavou?r|"
    r"variant|book|part|collar|article|pair|type|brand|kind)"
)
_PERSON = (
    r"(?:person|human|someone|somebody|agent|representative|rep|manager|supervisor|operator|real|people|"
    r"staff|man|woman|employee|colleague|anyone|anybody|team|member of (?:your |the )?(?:team|staff))s?"
)


@dataclass(frozen=True)
class Rule:
    """One phrase pattern that is evidence for an intent."""

    intent: Intent
    weight: float
    pattern: re.Pattern[str]
    negatable: bool = False


def _rules(intent: Intent, *specs: tuple[float, str] | tuple[float, str, bool]) -> list[Rule]:
    out = []
    for spec in specs:
        negatable = bool(spec[2]) if len(spec) > 2 else False  # type: ignore[misc]
        out.append(Rule(intent, spec[0], re.compile(spec[1]), negatable))
    return out


RULES: tuple[Rule, ...] = tuple(
    _rules(
        Intent.ORDER_STATUS,
        (0.85, rf"\bwhere (?:is|are) (?:my|the|our|it|this) (?:\w+ )?{_ITEM}\b"),
        (0.5, r"\bwhere (?:is|are) (?:it|my|the|they|them|this)\b(?! refund| money)"),
        (0.85, rf"\bwhere (?:my|the|our|this) (?:\w+ )?{_ITEM} (?:is|are)\b"),
        # "Can you tell me where my power is?": tiny.en garbles the noun, the question survives.
        (0.6, r"\btell me where (?:my|the|our|this) (?!refund|money)\w+(?: \w+)? (?:is|are)\b"),
        (
            0.8,
            r"\bwhen (?:my|the|our|it|this|they)\b.{0,30}\b(?:will|would|is going to|is gonna|should) "
            r"(?:arrive|come|get here|be delivered|be here|ship|show up|turn up|reach me)\b",
        ),
        (0.7, r"\b(?:has not|have not|did not|is not|not|never) (?:yet )?(?:shipped|been sent|dispatched)\b"),
        (0.8, r"\b(?:where|what happened to)\b.{0,40}\b(?:i|we) (?:bought|ordered|purchased|paid for)\b"),
        (0.6, r"\btrack (?:my|the|it|this|an|a)\b|\btracking (?:info|information|status|update)\b"),
        (
            0.7,
            r"\b(?:has not|have not|did not|does not|not|never) (?:yet )?(?:arrived|come|came|shown up|"
            r"turned up|showed up|been delivered|been shipped)\b",
        ),
        (0.55, _NOT_RECEIVED),
        (
            0.8,
            r"\bwhen (?:will|is|does|do|should|can|would) (?:it|my|the|i|they|this)\b.{0,40}\b(?:arrive|come|"
            r"get here|be delivered|deliver|receive|get it|ship|shipped|be here)",
        ),
        (0.7, rf"\b(?:status|update|news)\b.{{0,20}}\b{_ITEM}|\b{_ITEM}\b.{{0,20}}\bstatus\b"),
        (0.5, r"\bstill (?:waiting|have not|not)\b"),
        (0.5, r"\b(?:late|delayed|taking (?:so|too) long|so long|overdue|lost|any news)\b"),
        (
            0.8,
            rf"\b(?:is|has) (?:it|my {_ITEM}|the {_ITEM}) (?:on (?:its|the) way|been shipped|shipped|coming)",
        ),
        (0.75, rf"\bcheck (?:on )?(?:my|the|an) {_ITEM}"),
        (
            0.8,
            r"\b(?:is|are|has|have|did) (?:my|the|it|this|our|they)\b(?: \w+){0,3} (?:been )?"
            r"(?:coming|dispatched|posted|mailed|gone out|go out|left the warehouse|"
            r"on (?:its|it is|their|the) way|"
            r"out for delivery|arriving|being delivered|going to (?:arrive|come)|shipped|sent)\b",
        ),
        (0.8, r"\bwhat is (?:happening|going on) with (?:my|the|our|this)\b|\bwhat happened to (?:my|the)\b"),
        (0.7, r"\bnothing (?:has |have )?(?:arrived|come|turned up|shown up)\b"),
        (0.7, rf"\b{_ITEM} (?:is|are) (?:coming|arriving|on (?:its|it is|the) way)\b"),
        # Non-native questions drop the auxiliary: "when it come?", "when arrive my package?"
        (0.75, r"\bwhen (?:it|they|my \w+|the \w+|arrive|come) (?:comes?|arrives?|coming|arriving|my|the)\b"),
        # The question's word order: "why hasn't my order been delivered?"
        (
            0.75,
            r"\b(?:has|have|is|was) not (?:my|the|our|this)\b(?: \w+){0,2} (?:been |yet )?"
            r"(?:delivered|shipped|arrived|sent|dispatched|come)\b",
        ),
    )
    + _rules(
        Intent.CUSTOMS_DELAY,
        (0.85, r"\bcustoms\b"),
        (0.4, r"\bcustom\b"),
        (
            0.9,
            r"\b(?:stuck|held|holding|sitting|waiting|blocked|detained|hold|seized|stopped)\b.{0,25}"
            r"\b(?:customs?|customers|costumes|border|clearance)\b",
        ),
        (0.85, r"\b(?:import|customs?) (?:duty|duties|tax|taxes|fee|fees|charge|charges)\b"),
        (0.6, r"\bduties\b|\bclearance\b"),
        (0.7, r"\bimport\b|\binspection\b"),
    )
    + _rules(
        Intent.DELIVERED_NOT_RECEIVED,
        (
            0.7,
            r"\b(?:says|said|shows|showed|showing|marked|listed|status is|it is|was)\b.{0,25}\bdelivered\b",
        ),
        (0.75, r"\bdelivered\b.{0,50}\b(?:never|not|nothing|no parcel|no package)\b"),
        (0.5, _NOT_RECEIVED),
        (
            0.6,
            r"\b(?:not|nothing|no package|no parcel) (?:in|at|on) (?:my|the) (?:mailbox|letterbox|door|porch|"
            r"doorstep|house|building)",
        ),
        (0.6, r"\b(?:stolen|stole|(?:someone|somebody)(?: \w+){0,2} (?:took|taken|take))\b"),
        (
            0.8,
            r"\b(?:delivered|went|gone|left|dropped|taken|given) (?:it )?(?:to|at) (?:the )?(?:wrong|another|"
            r"a different) (?:address|house|person|door|place|flat|building|neighbou?r)",
        ),
    )
    + _rules(
        Intent.DAMAGED_ITEM,
        (0.75, rf"\b{_DAMAGE}\b", True),
        (
            0.7,
            r"\b(?:does not|did not|will not|would not|do not|is not|not) (?:work|working|turn on|switch on|"
            r"charge|charging|power on|start|function)\b",
        ),
        (0.7, r"\b(?:stopped|stops) working\b"),
        (0.75, r"\b(?:faulty|defective|dead on arrival|malfunction\w*)\b", True),
        (
            0.5,
            r"\b(?:missing|lacking) (?:a |the |some )?(?:part|parts|piece|pieces|screws?|button|lid|cap)\b",
        ),
        (0.7, r"\b(?:arrived|came) in (?:bad|terrible|poor|awful) (?:condition|shape)\b"),
    )
    + _rules(
        Intent.WRONG_ITEM,
        (0.85, rf"\bwrong {_WRONG_THING}\b"),
        (
            0.85,
            r"\b(?:sent|send|shipped|gave|delivered|got|received|came|arrived) "
            r"(?:me |us )?(?:the |a |an )?wrong\b",
        ),
        (0.85, r"\bwrong order (?:arrived|came|was (?:sent|delivered))\b"),
        (
            0.8,
            r"\bnot (?:what|the one|the \w+) (?:i|we) "
            r"(?:ordered|bought|asked for|paid for|purchased|chose)\b",
        ),
        (0.8, rf"\b(?:different|another) {_WRONG_THING} (?:than|from|to) (?:what|the one)"),
        (
            0.75,
            r"\b(?:i|we) (?:ordered|asked for|bought) (?:a |an |the )?\w+(?: \w+)? "
            r"(?:but (?:i )?(?:got|received|you sent|they sent|it is|it was)|and (?:i )?(?:got|received|you "
            r"sent|they sent))",
        ),
        (
            0.8,
            # not "it is wrong": said to "is that right?", that is a no
            rf"\b(?:{_ITEM}|{_WRONG_THING}|everything) (?:is|was|are|were) "
            r"(?:all |completely )?wrong\b",
        ),
        (0.5, r"\b(?:mixed up|mix up|mistake)\b"),
    )
    + _rules(
        Intent.RETURN_REQUEST,
        (
            0.85,
            r"\b(?:send|ship|post|mail|bring|take|give) (?:it|this|them|these|those|the \w+|everything)"
            r"(?: \w+)? back\b",
            True,
        ),
        (0.6, r"\breturn(?:ing|ed|s)?\b", True),
        (0.8, r"\b(?:send|give|take|bring|ship|post) back\b", True),
        (
            0.8,
            r"\b(?:change|exchange|swap|trade) (?:it |this |them |these )?for "
            r"(?:a |an |another |other |the )?(?:\w+ )?(?:size|color|one|model|pair|version)\b",
            True,
        ),
        (
            0.9,
            r"\b(?:want|like|need|wish|how (?:do|can) i|can i|could i|may i|i could|possible to|able to) "
            r"(?:to )?(?:return|exchange|swap)\b",
            True,
        ),
        (0.6, r"\b(?:exchange|swap|replacement|replace)\b", True),
        (0.75, r"\b(?:want|like|get|need|request|ask for) (?:a |my |for a )?(?:full )?refund\b", True),
        (0.75, r"\b(?:want|need|like|demand|give me|get|have|receive) (?:my |the |our )?money back\b", True),
        (0.6, r"\b(?:does not|do not|did not) fit\b|\btoo (?:small|big|large|tight|loose|short|long)\b"),
        (0.5, r"\b(?:do not|did not) (?:like|want|need) (?:it|them|this)\b"),
        (0.45, r"\bchanged my mind\b"),
        (0.65, r"\bnot what i (?:expected|wanted|thought)\b"),
        (0.7, r"\brefund (?:me|it|this|my order)\b", True),
    )
    + _rules(
        Intent.REFUND_STATUS,
        (0.95, r"\bwhere is (?:my|the) (?:refund|money)\b"),
        (0.9, r"\bwhere (?:my|the) (?:refund|money) is\b"),
        (0.85, r"\b(?:status|update|news)\b.{0,20}\brefund\b|\brefund\b.{0,15}\bstatus\b"),
        (
            0.85,
            rf"\b(?:have not|has not|did not|never|not yet|yet to)(?: \w+){{0,2}} {_RECEIVE}\b.{{0,20}}"
            r"\b(?:refund\w*|money)\b",
        ),
        (
            0.85,
            r"\b(?:refund|money)\b.{0,25}\b(?:has not|have not|did not|not yet|never|is not)(?: \w+)? "
            r"(?:arrived|come|came|showed|shown|appeared|gone through|been processed|been issued|"
            r"been credited|here|back)",
        ),
        (0.85, r"\bstill (?:waiting|no|not)\b.{0,30}\b(?:refund|money)\b"),
        # "I sent the mat back two weeks ago and I'm still waiting" (the refund word garbled or left out)
        (
            0.75,
            r"\b(?:sent|send|returned|posted|mailed|shipped)\b.{0,30}\bback\b.{0,60}\bstill waiting\b"
            r"(?! for (?:the|a|my|your) (?:replacement|new))",
        ),
        (0.8, r"\b(?:not|never) (?:been )?refunded\b"),
        (
            0.85,
            r"\bwhen (?:will|do|can|should|is|would) (?:i|my|the|it|you)\b.{0,30}\b(?:refund\w*|money back|"
            r"my money)\b",
        ),
        (0.7, r"\b(?:did|has|have) (?:you|the|my)\b.{0,20}\brefund(?:ed)?\b"),
        (0.6, r"\brefund (?:was|is|has been) (?:approved|processed|issued|promised|confirmed)\b"),
    )
    + _rules(
        Intent.CANCEL_ORDER,
        (0.8, r"\bcancel+(?:ed|ing|ation|led|ling)?\b|\bcounsel my order\b", True),
        (0.9, r"\b(?:want|like|need|wish|please|can you|could you) (?:to )?cancel\b", True),
        (0.85, rf"\b(?:scrap|drop|call off|void|withdraw|abort|kill) (?:the|my|this|that) {_ITEM}\b", True),
        (0.5, r"\b(?:do not|no longer) (?:want|need) (?:it|the order|this order|them)(?: any ?more)?\b"),
        (0.7, rf"\b(?:stop|halt) (?:the|my) {_ITEM}\b|\b(?:do not|please not) (?:ship|send) it\b"),
    )
    + _rules(
        Intent.CHANGE_ADDRESS,
        (
            0.9,
            r"\b(?:change|update|correct|fix|edit|modify|amend)\b.{0,25}\b(?:address|postcode|post code|"
            r"zip code|zip|street name|house number|flat number)\b",
            True,
        ),
        (
            0.85,
            r"\b(?:deliver|send|sent|ship|go|goes)\w* (?:it |them )?(?:to )?(?:somewhere|someplace) else\b",
        ),
        (
            0.9,
            r"\b(?:change|update|correct) (?:where|the place) (?:it|they|my \w+|the \w+) "
            r"(?:is|are|will be|goes|go)(?: being)?(?: delivered| sent| going| shipped)?\b",
            True,
        ),
        (0.6, r"\b(?:new|different|another|other|correct|right) (?:delivery |shipping )?address\b"),
        (0.55, r"\bwrong address\b"),
        (
            0.85,
            r"\baddress\b(?: \w+){0,4} (?:wrong|mistake|typo|incorrect|error|out of date)\b|"
            r"\b(?:mistake|typo|error) in (?:the |my )?address\b",
        ),
        (
            0.9,
            r"\b(?:gave|put|entered|typed|used|wrote|made a mistake in)\b.{0,15}\b(?:wrong )?(?:address|"
            r"postcode|post code|zip code|zip|house number|street)\b",
        ),
        (0.6, r"\b(?:i|we) (?:have )?(?:just )?moved\b"),
        (
            0.7,
            r"\b(?:deliver|send|sent|ship|redirect|reroute)(?:ed|ing|s)?\b.{0,20}\b(?:to|at) "
            r"(?:my|a|the|another) "
            r"(?:office|work|new|different|neighbou?r|mother|mom|parents|friend|other)",
        ),
        (0.3, r"\baddress\b"),
    )
    + _rules(
        Intent.HUMAN_AGENT,
        (
            0.9,
            rf"\b(?:talk|speak|chat)\b.{{0,20}}\b(?:{_PERSON}|customer (?:service|support|care)|support)\b",
        ),
        (0.7, r"\b(?:human|real person|live (?:agent|person)|representative|operator|supervisor|manager)\b"),
        (0.8, r"\btransfer me\b|\bput me through\b|\bconnect me\b"),
        (
            0.85,
            r"\b(?:not|never|stop)\b(?: \w+){0,3} (?:talk|speak|chat)(?:ing)? (?:to|with) "
            r"(?:a |an |this |your |the )?(?:robot|bot|machine|computer|recording)\b",
        ),
        (0.9, r"^(?:an? )?(?:agent|human|operator|representative|person|someone)(?: please)?$"),
        (
            0.85,
            r"\b(?:have|get|want|need|give me) (?:me |us )?(?:a |an |to )?(?:real )?"
            r"(?:person|human|agent|representative)\b",
        ),
        (0.6, r"\bare you (?:a )?(?:robot|bot|machine|computer|ai|real|recording)\b"),
        (0.35, r"\bcustomer (?:service|support|care)\b"),
    )
    + _rules(
        Intent.AFFIRM,
        (
            0.85,
            r"^(?:yes|yeah|yep|yup|yea|ya|yah|sure|correct|right|exactly|absolutely|definitely|of course|"
            r"ok|okay|alright|all right|affirmative|uh huh|mm hmm|mhm|please do|go ahead|sounds good|"
            r"perfect|great|indeed|certainly|i do(?! not)|you got it|that would be great|fine|"
            r"please(?= do| go| yes|$))\b(?! not\b)",  # "absolutely not", "of course not": a no
        ),
        (0.8, r"^(?:that|it) (?:works|suits me|is fine|is great|is perfect|sounds (?:good|great|fine))\b"),
        # "It's the one with the blue box" describes; "that's the one" confirms.
        (0.8, r"\b(?:that is|it is|thats) (?:right|correct|it|the one|true|mine)(?: \w+){0,2}$"),
    )
    + _rules(
        Intent.DENY,
        (
            0.85,
            # "No refund has shown up" is a statement about the refund, not a no.
            r"^(?:no(?! (?:refund|money|parcel|package|order|delivery|item|update|news|reply|email)\b)|"
            r"nope|nah|no no|negative|not really|not quite|not exactly|wrong|incorrect|no way|"
            r"not at all|i do not think so|not that one|never mind|"
            r"(?:absolutely|of course|certainly|definitely|surely|sure) not)\b",
        ),
        (0.8, r"\bthat is (?:wrong|not right|incorrect|not correct|not it|not mine|not true|not the one)\b"),
        (0.8, r"\bthat is (?:the |a )?wrong (?:order )?(?:number|id|email|code|date|name)\b"),
        (
            0.8,
            r"\b(?:that|it) is not (?:my|the right|the correct) (?:order |phone )?"
            r"(?:number|email|order|postcode|name|address)\b",
        ),
        # "I don't know my order number" is not a no.
        (0.6, r"^(?:i do not|i did not|it is not|it was not)\b(?! know| remember| understand| see| have)"),
    )
    + _rules(
        Intent.GOODBYE,
        (
            0.9,
            r"\b(?:bye|goodbye|good bye|bye bye|see you|see ya|take care|"
            r"have a (?:nice|good|great|lovely|wonderful) "
            r"(?:day|one|evening|night|weekend))\b",
        ),
        (
            0.9,
            r"\b(?:that is all(?! right)|that is it for (?:now|today)|nothing (?:else|more)|that will be all|"
            r"i am done|that is everything|no more questions)\b",
        ),
        (0.9, r"^no(?: no)? that is it\b|\bthat is it (?:thanks|thank you|cheers|bye)\b"),
        # Thanks, then "that's it/all" at the end: a closing, or (to a question) a yes: the stage
        # decides (IntentResult.also).
        (0.85, r"\b(?:thanks|thank you|cheers)\b(?: \w+){0,4} (?:that is|that was) "
               r"(?:it|all|everything)(?: \w+)?$"),
        (0.6, r"^(?:ok |okay |great |perfect )?(?:thanks|thank you|cheers)(?: so much| very much| a lot)?$"),
    )
    + _rules(
        Intent.GREET,
        # A greeting alone is a greeting; "Hi, where is my order?" is about the order.
        (0.8, r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|greetings|howdy)\b(?: \w+){0,3}$"),
        (0.3, r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|greetings|howdy)\b"),
        (0.5, r"\bhow are you\b"),
    )
)
