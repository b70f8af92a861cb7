"""Territorial events in a sentence: (side, action, place, mode). Pure.

"Russian troops have taken the city of Siversk" -> russia|capture|siversk|is.
"Ukrainian officials denied Siversk had been captured" -> ukraine|capture|siversk|not.
"Russia is pushing to gain control of all of Donetsk" -> russia|capture|donetsk|aim.
The mode keeps a denial or an aim from matching a claim that something happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimwatch.gazetteer import Gazetteer, Place
from claimwatch.models import Event
from claimwatch.text import fold, words

# Folded-token regexes for each action; matched against " ".join(tokens).
_ACTIONS: dict[str, str] = {
    "capture": r"captur\w*|(to|will|would|could) take(?! over| part| place| off| up)|"
    r"took( full)? control|taken( full)? control|tak(e|es|ing) control|"
    r"(has|have|had|was|been) taken|took|seiz\w*|(has|have|had) fallen|fell|overr[au]n|"
    # "occupied" as a verb, not the adjective of "the Russian-occupied plant"
    r"conquer\w*|(?<![-\w])(?<!the )(?<!temporarily )occup(y|ies|ied)(?! (city|territor\w*|"
    r"part|parts|area|areas|region|regions|town|plant|station|land|lands|zaporizhzhia|"
    r"crimea|donbas|south|east))|liberat\w*|raised (the|their|its) flag|"
    r"(full|complete|total) control|"
    r"(fully|completely|entirely) (under|in) (our|its|their|russian|ukrainian) control|"
    r"under (our|the) control|(gain\w*|establish\w*|assum\w*|seiz\w*) control|"
    r"in (russian|ukrainian) hands|(is|are|was) (ours|russian)|"
    r"захват\w*|взял\w*|взят\w*|занял\w*|освобод\w*|освобожд\w*|звільн\w*|захопи\w*|"
    r"контрол\w*|оволоді\w*|овладел\w*|"
    # German, French, Spanish, Portuguese, Italian, Polish (folded: no accents)
    r"erober\w*|eingenommen|einnahme|kontrolle (uber|über)|emparee?s?|empare|conquis|"
    r"prise (de|du|of)|tomad[oa]s?|tomo|tomaram|conquist\w*|przejel\w*|przejeł\w*|"
    r"zdobyl\w*|zdobył\w*|zajel\w*|occupat[aoie]|conquistat[aoie]|presa (di|del|della)|"
    r"elfoglal\w*|zauze\w*|uzeme|uzeme\w*|erövra\w*|erovra\w*|intagit|kontrollier\w*|"
    r"controlul|controllo (di|del|della|su)|le controle (de|du)",
    "encircle": r"encircl\w*|surround(ed|s)?|besieg\w*|cut off(?! from)|pincer|cauldron|kettle|"
    r"accerchia\w*|encercle\w*|eingekesselt|kessel|calderone|cerco|cercado|okrąż\w*|okraz\w*|"
    r"окруж\w*|оточ\w*",
    "enter": r"enter(ed|s|ing)?|вошл\w*|увійшл\w*|зашл\w*|broke into|break into|"
    r"(pushed|push|pushing|moved) into|"
    r"reached the (outskirts|centre|center)|on the outskirts of|stormed|storm(ing)? of|"
    r"cross(ed|ing)? (the border )?into|(established|gained|secured) (a )?foothold|bridgehead",
    "advance": r"advanc\w*|pushing (toward|towards)|push(ed)? (toward|towards)|closing in|"
    r"edg(ed|ing) closer|gain(ed|ing) ground|offensive (on|toward|towards|against)",
    "withdraw": r"withdr[ae]w\w*|withdrawal|retreat\w*|pull(ed|ing|s)? (\w+ ){0,2}(out|back)|"
    r"pull-?out|abandon\w*|left the (city|town|village)|le(ave|aving) the (city|town|village)|"
    r"lost control|loss of|evacuat\w* (from|troops|forces|marines|soldiers)|"
    r"lost (its|their|the) (positions?|foothold|bridgehead)|"
    r"ruckzug|rückzug|zuruckgezogen|zurückgezogen|abgezogen|retrait|retirad[ao]s?|retirou|"
    r"ritirat\w*|wycofal\w*|wycofał\w*|wycofanie|se replier|repli|perdita|perda|perte de|"
    r"dragit sig tillbaka|отступ\w*|отошл\w*|вышл\w*|відступ\w*|вийшл\w*|відійшл\w*",
    "retake": r"retook|retak\w*|recaptur\w*|regain\w*|took back|taken back|win back|won back|"
    r"riconquist\w*|reprise|recuper\w*|recucer\w*|zuruckerober\w*|zurückerober\w*|"
    r"odbil\w*|odbił\w*|oslobod\w*|"
    r"pushed (russian|ukrainian)? ?(troops|forces)? ?out|drove (them|russian|ukrainian)",
    "annex": r"annex\w*|incorporat\w*|absorb\w*|accession|ratif(y|ied|ies|ying|ication)|"
    r"admit\w* (the )?(four |new )?(regions|territories)|(join|joined|joining|become|became) "
    r"(part of )?russia|присоедин\w*|приєдна\w*|анекс\w*|аннекс\w*|ратифи\w*",
    "recognize": r"recogni[sz](e|ed|es|ing)|recognition",
    "cede": r"ced(e|ed|es|ing)|cession|give up|giving up|gave up|hand(ed|ing)? over|"
    r"surrender\w*|concession\w*|relinquish\w*|swap of territor\w*|territor\w* swap",
    "zone": r"demilitari[sz]ed zone|buffer zone|free economic zone|(?<!high[- ])security zone|"
    r"neutral zone|"
    r"sanitary zone|dmz|zone",
    "control": r"(control(s|led|ling)?|occup(y|ies|ied|ying)|hold(s|ing)?|held) "
    r"((only|about|around|roughly|some|nearly|almost|over|more|less|than|just|up|to) )*"
    r"(\d+|(a|one) (fifth|quarter|third|half)|two thirds|most|all|half)|"
    r"\d+ (percent|per cent|%) of|(a|one) (fifth|quarter|third) of",
}
BOUNDARY = "xxclause"
# Punctuation that ends a clause: a place after it is not the object of a verb before it.
_CLAUSE_BREAK = re.compile(r"\s*(?:;|:\s|\s[-–—]+\s|[()])\s*")
# Words after a place name that make it the name of something else.
_NAMED_AFTER = frozenset(
    [
        "nuclear", "npp", "aes", "аес", "аэс", "аэс", "zaes", "znpp", "plant", "power", "station",
        "reservoir", "dam", "hydroelectric", "thermal", "steelworks", "steel", "airport", "port",
        "football", "club", "fc", "airbase", "refinery", "ii", "iii",
    ]
)
_NAMED_AFTER_PREV = frozenset(["metalurh", "zorya", "fc", "dynamo", "shakhtar"])
# Words that open a new clause: the mode of a verb after them is read after them.
_CLAUSE_WORDS = frozenset(
    ["though", "although", "but", "while", "whereas", "because", "since", "after", "before"]
)
_LOCATIVE = frozenset(
    ["on", "toward", "towards", "around", "near", "of", "from", "to", "into", "outside"]
)
_PRONOUNS = frozenset(["it", "them", "this", "these", "those", "him", "her"])
_LIST_WORDS = frozenset(
    [
        "and", "or", "as", "well", "also", "both", "nor", "neighboring", "neighbouring", "nearby",
        "adjacent",
    ]
)
_ACTION_RE = {a: re.compile(rf"\b(?:{p})\b") for a, p in _ACTIONS.items()}
# Actions that can concern territory in general ("cede territory", "a demilitarised zone").
_GENERAL = frozenset({"cede", "zone", "annex", "control", "withdraw"})
_TERRITORY_WORDS = frozenset(
    [
        "territory", "territories", "land", "lands", "region", "regions", "oblast", "oblasts",
        "area", "areas",
    ]
)
# Who a word speaks for.
_SIDES = {
    "russia": "russia russian russians moscow kremlin putin wagner prigozhin shoigu gerasimov "
    "belousov peskov lavrov zakharova россия россии россией российские российская российской "
    "российских москва москвы кремль кремля путин росія росії росією російські російська "
    "російської російських москва кремль рф",
    "ukraine": "ukraine ukrainian ukrainians kyiv kiev zelensky zelenskyy zelenskiy syrskyi "
    "syrsky zaluzhnyi yermak україна україни україною українські українська української "
    "українських киев киева київ києва зсу всу украина украины украиной украинские украинская "
    "украинской украинских",
}
_SIDE_OF = {w: side for side, ws in _SIDES.items() for w in ws.split()}
_PLACE_NOUNS = frozenset(
    [
        "city", "cities", "town", "towns", "village", "villages", "region", "regions", "territory",
        "territories", "land", "lands", "capital", "soil", "border", "oblast", "province",
        "settlement", "settlements", "side-of",
    ]
)
_DIRECTIONS = frozenset(
    [
        "eastern", "western", "southern", "northern", "central", "south-eastern", "north-eastern",
        "southeastern", "northeastern", "south", "east", "west", "north", "the",
    ]
)
_NEGATION = re.compile(
    r"\b(not|never|no|denied|denies|deny|dismissed|rejected|refuted|false|n't|nt|"
    r"dont|doesnt|didnt|wont|cant|cannot|isnt|arent|wasnt|werent|hasnt|havent|hadnt|"
    r"wouldnt|shouldnt|couldnt|rul(e|ed|es|ing) out|refus\w*|avoid\w*|prevent\w*|escap\w*|"
    r"без|не|ні|нет)\b"
)
_AVOIDED = re.compile(r"avoid|prevent|escap")
_AIM = re.compile(
    r"\b(push|pushing|pushed|aim|aims|aiming|seek|seeks|seeking|want|wants|wanted|try|tries|"
    r"trying|attempt\w*|plan|plans|planning|intend\w*|would|could|might|must|should|demand\w*|"
    r"insist\w*|order to|goal|if|threat|threaten\w*|hop(e|es|ing)|bid|effort|drive|determined|"
    r"ready to|willing to|possibility|foresee\w*|proposal|propos\w*|suggest\w*|put forward|"
    r"call\w* for|requir\w*|ask\w*|float\w*|press\w*|urg\w*|(has|have|had|need|needs) to|"
    r"negotiat\w*|talks?|discuss\w*|idea|option|plan|scenario|only when|only if|unless|"
    r"until|as long as)\b"
)


@dataclass(frozen=True)
class _Hit:
    action: str
    start: int  # token position
    end: int


def extract_events(
    sentence: str,
    gazetteer: Gazetteer,
    allowed_sets: frozenset[str],
    *,
    historical: bool = False,
) -> tuple[Event, ...]:
    """Every (side, action, place) the sentence asserts about places in `allowed_sets`.

    `historical` marks a sentence that tells settled background ("annexed in 2014"): its
    events that happened get mode "was".
    """
    tokens = words(fold(_CLAUSE_BREAK.sub(f" {BOUNDARY} ", sentence)))
    if not tokens:
        return ()
    joined = " ".join(tokens)
    hits = _action_hits(joined)
    if not hits:
        return ()
    places = [
        (s, e, p)
        for s, e, p in gazetteer.find(tokens)
        if p.set in allowed_sets and _names_territory(tokens, s, e)
    ]
    general = any(t in _TERRITORY_WORDS for t in tokens)
    events: list[Event] = []
    seen: set[str] = set()
    for hit in hits:
        targets = _targets(hit, places, tokens, gazetteer)
        if not targets:
            if hit.action not in _GENERAL or not (general or hit.action == "zone"):
                continue
            if hit.action == "zone" and not re.search(
                r"demilitari|buffer|free economic|(?<!high[- ])security zone|neutral|dmz|sanitary",
                joined,
            ):
                continue
            targets = [""]
        side = _side(tokens, hit)
        action = hit.action
        if action == "capture" and side == "ukraine" and re.search(r"liberat", joined):
            action = "retake"  # Ukraine "liberating" a town is a retaking
        if action == "zone" and not side and all(t in ("", "ukraine") for t in targets):
            continue  # "a buffer zone between the perimeter fences": no territory
        if action == "zone":
            # A zone is told by its kind as well as its place: "a buffer zone along the
            # border" is not "a demilitarised zone in Donbas".
            kind = _zone_kind(joined, hit)
            targets = [t for t in targets if t not in ("", "ukraine")]
            targets = sorted({*targets, kind}) if kind or not targets else targets
        mode = _mode(tokens, hit)
        if mode == "avoided":
            continue
        if mode == "is" and _is_position(action, tokens, hit, joined):
            mode = "aim"
        if action == "advance":
            # "advances in Donbas" is the war's course; an advance on a town is news.
            targets = [t for t in targets if gazetteer.is_settlement(t)] or [""]
        if historical and mode == "is":
            mode = "was"
        step = _annex_step(joined) if action == "annex" else ""
        for place in targets:
            areas = gazetteer.areas(place) if place else frozenset([""])
            if step and place:
                # Annexation comes in steps, each news: treaties, ratification, laws.
                place = f"{place}:{step}"
            ev = Event(action=action, place=place, side=side, mode=mode, areas=areas)
            if ev.key not in seen:
                seen.add(ev.key)
                events.append(ev)
    return tuple(events)


def _action_hits(joined: str) -> list[_Hit]:
    hits = []
    for action, rx in _ACTION_RE.items():
        for m in rx.finditer(joined):
            start = joined.count(" ", 0, m.start())
            end = start + m.group(0).count(" ") + 1
            hits.append(_Hit(action, start, end))
    # A general "zone" is only kept if no specific zone matched at the same place.
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    for h in hits:
        if any(k.start <= h.start < k.end for k in kept):
            continue
        kept.append(h)
    return kept


def _targets(
    hit: _Hit, places: list[tuple[int, int, Place]], tokens: list[str], gazetteer: Gazetteer
) -> list[str]:
    """Places the action applies to: the first place named after it in the same clause
    (with the places listed alongside it), else the nearest place just before it.

    "took Siversk in the Donetsk region" -> Siversk only: a place introduced by "in" or
    "of" after the target only says where the target is.
    """
    if hit.end < len(tokens) and tokens[hit.end] in _PRONOUNS:
        return []  # "if Russia were to take it, that could open a route toward Kramatorsk"
    after = [
        (s, e, p) for s, e, p in places
        if 0 <= s - hit.end <= 8 and BOUNDARY not in tokens[hit.end : s]
    ]
    if after:
        chosen = [after[0]]
        for s, e, p in after[1:]:
            gap = tokens[chosen[-1][1] : s]
            if all(t in _LIST_WORDS for t in gap):
                if gap or p.id not in gazetteer.areas(chosen[-1][2].id):
                    chosen.append((s, e, p))
                # else "Lyman, Donetsk Oblast": the region only says where Lyman is
            else:
                break
        return sorted({p.id for _s, _e, p in chosen})
    before = [
        p.id for _s, e, p in places
        if 0 <= hit.start - e <= 6 and BOUNDARY not in tokens[e : hit.start]
    ]
    return sorted(set(before[-1:]))


_ZONE_KINDS = (
    ("demilitari", "demilitarized-zone"), ("dmz", "demilitarized-zone"),
    ("free economic", "free-economic-zone"), ("buffer", "buffer-zone"),
    ("security zone", "buffer-zone"), ("sanitary", "buffer-zone"), ("neutral", "neutral-zone"),
)


_ANNEX_STEPS = (
    ("ratif", "ratified"), ("ратифи", "ratified"), ("referend", "referendum"),
    ("референд", "referendum"), ("constitution", "law"), ("law", "law"), ("decree", "law"),
    ("закон", "law"), ("treat", "treaty"), ("accession", "treaty"), ("sign", "treaty"),
    ("document", "treaty"), ("договор", "treaty"), ("договір", "treaty"),
)


# Words of negotiation: in their company a withdrawal or a cession is a position.
_TALKS = re.compile(
    r"\b(talks|negotiat\w*|peace (plan|deal|framework|proposal|agreement|settlement)|"
    r"proposal\w*|framework|condition\w*|precondition\w*|demand\w*|concession\w*|"
    r"settlement|deal|ceasefire|agreement|draft|provision\w*|terms|hinges?|stance|plan)\b"
)


def _is_position(action: str, tokens: list[str], hit: _Hit, joined: str) -> bool:
    """Is an event told as happening in fact a position: ceding territory (which happens only
    by agreement), or a withdrawal, a zone or control named as a noun or an infinitive in a
    sentence about talks ("the withdrawal from Donbas remains a key condition")?"""
    if action == "cede":
        return True
    if action not in ("withdraw", "zone", "control", "annex", "recognize") or not _TALKS.search(
        joined
    ):
        return False
    word = tokens[hit.start]
    before = tokens[hit.start - 1] if hit.start else ""
    return before == "to" or word.endswith(("al", "ing", "ion", "zone"))


def _annex_step(joined: str) -> str:
    """Which step of an annexation a sentence tells: treaty, ratified, law, referendum."""
    for cue, step in _ANNEX_STEPS:
        if cue in joined:
            return step
    return ""


def _zone_kind(joined: str, hit: _Hit) -> str:
    """A zone with no place is told apart by its kind: "buffer-zone", "free-economic-zone"."""
    span = " ".join(joined.split(" ")[max(0, hit.start - 3) : hit.end])
    for cue, kind in _ZONE_KINDS:
        if cue in span:
            return kind
    return ""


def _names_territory(tokens: list[str], start: int, end: int) -> bool:
    """Is this place name about the place itself, not a plant, a club or a reservoir named
    after it ("Zaporizhzhia nuclear plant", "Kakhovka reservoir", "Metalurh Zaporizhzhia"),
    nor a capital standing for its government ("Kyiv rejects the claim")?"""
    nxt = tokens[end] if end < len(tokens) else ""
    prev = tokens[start - 1] if start else ""
    if nxt in _NAMED_AFTER or prev in _NAMED_AFTER_PREV:
        return False
    name = " ".join(tokens[start:end])
    if name in _SIDE_OF and name not in ("ukraine", "україна", "украина"):
        # A capital is a place only where the text moves on it: "advance on Kyiv".
        return prev in _LOCATIVE
    return True


def _side(tokens: list[str], hit: _Hit) -> str:
    """The side that acts: the nearest actor word before the action, else just after it.

    Side words that only locate or describe a place ("in eastern Ukraine", "the Ukrainian
    city of Pokrovsk") are not actors.
    """
    for i in range(hit.start - 1, max(-1, hit.start - 12), -1):
        side = _actor(tokens, i)
        if side:
            return side
    for i in range(hit.end, min(len(tokens), hit.end + 8)):
        side = _actor(tokens, i)
        if side:
            return side
    return ""


def _actor(tokens: list[str], i: int) -> str:
    side = _SIDE_OF.get(tokens[i])
    if not side:
        return ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if nxt in _PLACE_NOUNS:
        return ""
    j = i - 1
    while j >= 0 and tokens[j] in _DIRECTIONS:
        j -= 1
    if j >= 0 and tokens[j] in ("in", "of", "across", "into", "inside", "throughout"):
        return ""
    return side


def _mode(tokens: list[str], hit: _Hit) -> str:
    """The mode: "not" (denied), "aim" (sought, demanded, proposed, conditional) or "is",
    read from the words just before the action, within its own clause."""
    start = max(0, hit.start - 7)
    for i in range(hit.start - 1, start - 1, -1):
        if tokens[i] == BOUNDARY or tokens[i] in _CLAUSE_WORDS:
            start = i + 1
            break
    negation = _NEGATION.search(" ".join(tokens[max(start, hit.start - 6) : hit.start]))
    if negation:
        # "withdrew to avoid encirclement": what was avoided is no event at all
        return "avoided" if _AVOIDED.match(negation.group(0)) else "not"
    if _AIM.search(" ".join(tokens[start : hit.start])):
        return "aim"
    return "is"
