"""Abbreviations with their context, title suffixes, and acronyms spelled or read as the word they are."""

from __future__ import annotations

import pytest
from gentle_steps.audio.normalize_words import is_english_word
from gentle_steps.audio.speech import speakable


def check(rows: list[tuple[str, str]]):
    return pytest.mark.parametrize(("text", "expected"), rows, ids=[r[0] for r in rows])


@check([
    ("Dr. Smith will see you.", "Doctor Smith will see you."),
    ("Ask Dr. Lee.", "Ask Doctor Lee."),
    ("I met Dr. Lee today.", "I met Doctor Lee today."),
    ("Ask your Dr. about it.", "Ask your Doctor about it."),
    ("She lives on Oak Dr. near the park.", "She lives on Oak Drive near the park."),
    ("The office is at 12 Elm Dr.", "The office is at twelve Elm Drive."),
    ("Jane Smith, Dr. Lee and I.", "Jane Smith, Doctor Lee and I."),
    ("St. James St.", "Saint James Street."),
    ("Visit St. Mary's Hospital.", "Visit Saint Mary's Hospital."),
    ("It's on Main St. downtown.", "It's on Main Street downtown."),
    ("It's on Main St. Then we walk.", "It's on Main Street. Then we walk."),
    ("At 5 Main St., Suite 2.", "At five Main Street, Suite two."),
    ("We are at 210 St. James St., Suite 4.", "We are at two hundred ten Saint James Street, Suite four."),
    ("Come to 12 St. Mary's Road.", "Come to twelve Saint Mary's Road."),
    ("Turn onto 42nd St. Then rest.", "Turn onto forty-second Street. Then rest."),
    ("Mr. Lee and Mrs. Lee came.", "Mister Lee and Missus Lee came."),
    ("Ms. Park said so.", "Miz Park said so."),
    ("Us vs. them.", "Us versus them."),
    ("Us vs them.", "Us versus them."),
    ("About approx. 5 people.", "About approximately five people."),
    ("Cats, dogs, etc. all came.", "Cats, dogs, and so on all came."),
    ("Some help, e.g. rest.", "Some help, for example, rest."),
    ("One way, i.e. now.", "One way, that is, now."),
    ("Kurz et al. found it.", "Kurz and colleagues found it."),
    ("Martin Luther King Jr. said it.", "Martin Luther King Junior said it."),
    ("Prof. Lee agrees.", "Professor Lee agrees."),
    ("Come w/ friends.", "Come with friends."),
    ("Rest b/c you can.", "Rest because you can."),
    ("Call ext. 4 now.", "Call extension four now."),
    # must not change
    ("Drive safely.", "Drive safely."),
    ("Stay strong.", "Stay strong."),
    ("The doctor said so.", "The doctor said so."),
    ("Street by street.", "Street by street."),
])
def test_abbreviations(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Jane Doe, PhD", "Jane Doe, P.H.D"),
    ("Jane Doe, Ph.D.", "Jane Doe, P.H.D"),
    ("Jane Doe, LMFT", "Jane Doe, L.M.F.T"),
    ("Jane Doe, LPC", "Jane Doe, L.P.C"),
    ("Jane Doe, LCSW", "Jane Doe, L.C.S.W"),
    ("Jane Doe, PsyD", "Jane Doe, Psy D"),
    ("Jane Doe, EdD", "Jane Doe, Ed D"),
    ("Jane Doe, MA, LPC", "Jane Doe, M.A, L.P.C"),
    ("Jane Doe, MSW", "Jane Doe, M.S.W"),
    ("Jane Doe, MD", "Jane Doe, M.D"),
    ("Jane Doe, DO", "Jane Doe, D.O"),
    ("Jane Doe, LMFT, CST", "Jane Doe, L.M.F.T, C.S.T"),
    ("Get an MA in psychology.", "Get an M.A in psychology."),
    # must not change into credentials
    ("DO it now.", "do it now."),
    ("If you can, DO it.", "If you can, do it."),
])
def test_title_suffixes(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("I am an LPC.", "I am an L.P.C."),
    ("Living with PTSD.", "Living with P.T.S.D."),
    ("Try CBT first.", "Try C.B.T first."),
    ("Ask about EMDR.", "Ask about E.M.D.R."),
    ("Learn DBT skills.", "Learn D.B.T skills."),
    ("See a PA today.", "See a P.A today."),
    ("Living with ADHD.", "Living with A.D.H.D."),
    ("Two LPCs help.", "Two L.P.C's help."),
    ("PTSD's grip loosens.", "P.T.S.D's grip loosens."),
    ("In the US and the UK.", "In the U.S and the U.K."),
    ("He has ADD.", "He has A.D.D."),
    ("We use IFS and EFT.", "We use I.F.S and E.F.T."),
    ("Call NAMI or SAMHSA.", "Call Nahmee or Samsa."),
    ("Under HIPAA rules.", "Under Hippa rules."),
    ("LGBTQ+ clients.", "L.G.B.T.Q plus clients."),
    ("Type II diabetes.", "Type two diabetes."),
    ("The DSM-5 and DSM-IV.", "The D.S.M five and D.S.M four."),
    ("After COVID-19.", "After Covid nineteen."),
    ("It's OK.", "It's okay."),
    ("The GOTTMAN METHOD works.", "The Gottman method works."),
    # emphasis: an English word in capitals is read as the word
    ("Name five things you can SEE.", "Name five things you can see."),
    ("You are NOT alone.", "You are not alone."),
    ("STOP and breathe.", "stop and breathe."),
    ("Feel ALL the THINGS.", "Feel all the things."),
    ("I DON'T know, I'M tired.", "I don't know, I'm tired."),
    ("Tell US how.", "Tell us how."),
    ("It STOPPED hurting.", "It stopped hurting."),
    ("ACEs matter.", "aces matter."),
    ("Feeling SAD again.", "Feeling sad again."),
    # must not change
    ("I am here.", "I am here."),
    ("Plan A works.", "Plan A works."),
    ("My iPhone rang.", "My iPhone rang."),
    ("Ask McDonald.", "Ask McDonald."),
    ("Already U.S. based.", "Already U.S. based."),
])
def test_acronyms(text: str, expected: str):
    assert speakable(text) == expected


def test_the_lexicon_says_otherwise():
    lexicon = {"CBT": "cognitive behavioral therapy", "EMDR": "[[ ˈɛmdɚ ]]"}
    assert speakable("Try CBT or EMDR.", lexicon) == "Try cognitive behavioral therapy or [[ ˈɛmdɚ ]]."


@pytest.mark.parametrize(("word", "expected"), [
    ("see", True), ("things", True), ("stopped", True), ("happier", True), ("breathing", True), ("feelings", True),
    ("ptsd", False), ("lpc", False), ("emdr", False), ("lmft", False), ("cbt", False), ("lcsw", False),
])
def test_english_words_come_from_the_word_list(word: str, expected: bool):
    assert is_english_word(word) is expected
