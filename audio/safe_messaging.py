"""Safe-messaging lint: wording about suicide that the field's guidance asks writers to avoid.

Follows the "Recommendations for Reporting on Suicide" (reportingonsuicide.org, developed with the American
Foundation for Suicide Prevention and others) and the National Action Alliance for Suicide Prevention's
"Framework for Successful Messaging" (suicidepreventionmessaging.org), which 988 Lifeline materials point to:
say "died by suicide" rather than "committed suicide" or "successful suicide"; no "failed attempt"; no method
or place; no sensational words such as "epidemic"; no single cause; no "suicide" as a figure of speech.

These are prompts to reread a line, never errors: a therapist may quote a client, or explain why a phrase
hurts. Each concern names the line and offers wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Concern:
    """One line that may need rewording."""

    line: int
    """1-based line number in the text given to :func:`lint`."""

    found: str
    """The words that matched, as written."""

    problem: str
    """Why the guidance asks to avoid them."""

    suggestion: str
    """Wording to use instead."""


_SUICIDE = r"(?:suicides?|suicidal|kill(?:ed|ing|s)?\s+(?:him|her|them|my|your|our)sel(?:f|ves)|took\s+(?:his|her|their|my|your)\s+own\s+life|end(?:ed|ing)?\s+(?:his|her|their|my|your)\s+(?:own\s+)?life)"
_METHOD = (r"(?:hang(?:ed|ing|s)?|hung\s+(?:him|her|them)sel(?:f|ves)|noose|overdos\w*|pills|tablets|gun|shot|"
           r"shoot\w*|firearm|pistol|rifle|jump(?:ed|ing|s)?|bridge|cliff|roof(?:top)?|ledge|train|tracks|railway|"
           r"poison\w*|wrists?|slit|carbon\s+monoxide|razor|blade|drown\w*|suffocat\w*|ligature)")

_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p, re.IGNORECASE), why, say) for p, why, say in (
    (r"\bcommit(?:s|ted|ting)?\s+suicide\b",
     '"commit" frames suicide as a crime or sin',
     'say "died by suicide" or "took their own life"'),
    (r"\b(?:successful|completed)\s+suicide(?:\s+attempt)?\b",
     "a death is not a success",
     'say "died by suicide"'),
    (r"\b(?:failed|unsuccessful)\s+(?:suicide\s+)?attempt\s+(?:at|to)\s+(?:suicide|kill|end)\w*|"
     r"\b(?:failed|unsuccessful)\s+suicide(?:\s+attempt)?\b",
     "surviving is not a failure",
     'say "survived a suicide attempt" or "a suicide attempt"'),
    (r"\bsuicide\s+(?:epidemic|crisis\s+sweeping)\b|\bepidemic\s+of\s+suicides?\b|"
     r"\bsuicides?\s+(?:rates?\s+)?(?:skyrocket\w*|soar\w*|explod\w*)\b",
     "sensational words can raise risk for people who are struggling",
     'say "rising rates of suicide" with the figures and where help is'),
    (r"\b(?:drove|drives|driven|pushed)\s+(?:him|her|them|me|us|you|someone|people)\s+to\s+suicide\b",
     "suicide is rarely caused by a single event",
     "describe the many factors, or leave the cause out"),
    (r"\b(?:career|political|social|financial|commercial)\s+suicide\b|\bsuicide\s+(?:mission|run|squad)\b",
     '"suicide" as a figure of speech makes it sound ordinary',
     'say "a serious setback" or "a big risk"'),
    (r"\bsuicide\s+notes?\b",
     "the content of a note can invite imitation",
     "leave out what a note said"),
))

_METHOD_RULE = (re.compile(rf"\b{_SUICIDE}\b", re.IGNORECASE), re.compile(rf"\b{_METHOD}\b", re.IGNORECASE))


def lint(text: str) -> list[Concern]:
    """Every concern in ``text``, line by line, in reading order."""
    concerns: list[Concern] = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, why, say in _RULES:
            for match in pattern.finditer(line):
                concerns.append(Concern(number, match.group(0), why, say))
        about, method = (rule.search(line) for rule in _METHOD_RULE)
        if about and method:
            first, second = sorted((about, method), key=lambda m: m.start())
            concerns.append(Concern(number, line[first.start():second.end()].strip(),
                                    "details of method or place can lead others to copy them",
                                    'leave out how and where; "died by suicide" is enough'))
    return concerns
