"""Telephone numbers digit by digit in their groups; short service numbers only when they are lines to call."""

from __future__ import annotations

import pytest
from gentle_steps.audio.speech import speakable

US = "five five five, one two three, four five six seven"


def check(rows: list[tuple[str, str]]):
    return pytest.mark.parametrize(("text", "expected"), rows, ids=[r[0] for r in rows])


@check([
    ("Call 555-123-4567.", f"Call {US}."),
    ("Call (555) 123-4567.", f"Call {US}."),
    ("Call (555)123-4567.", f"Call {US}."),
    ("Call 555.123.4567.", f"Call {US}."),
    ("Call 555 123 4567 today.", f"Call {US} today."),
    ("Call 1-800-273-8255.", "Call one, eight zero zero, two seven three, eight two five five."),
    ("Call 1 (800) 273-8255.", "Call one, eight zero zero, two seven three, eight two five five."),
    ("Call 1-800-799-7233 any time.", "Call one, eight zero zero, seven nine nine, seven two three three any time."),
    ("Call +1 555 123 4567.", f"Call plus one, {US}."),
    ("Call +1-555-123-4567.", f"Call plus one, {US}."),
    ("Call 1-800-273-TALK.", "Call one, eight zero zero, two seven three, talk."),
    ("The line (555-123-4567) is open.", f"The line, {US}, is open."),
])
def test_north_american_numbers(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Call 0800 123 4567.", "Call zero eight zero zero, one two three, four five six seven."),
    ("Call 020 7946 0958.", "Call zero two zero, seven nine four six, zero nine five eight."),
    ("Call 07700 900123.", "Call zero seven seven zero zero, nine zero zero one two three."),
    ("Call +44 20 7946 0958.", "Call plus four four, two zero, seven nine four six, zero nine five eight."),
    ("Call +44 (0)20 7946 0958.", "Call plus four four, two zero, seven nine four six, zero nine five eight."),
    ("Call +61 2 9876 5432.", "Call plus six one, two, nine eight seven six, five four three two."),
    ("Call (02) 9876 5432.", "Call zero two, nine eight seven six, five four three two."),
    ("Call 1800 55 1800.", "Call one eight zero zero, five five, one eight zero zero."),
    ("Call 1300 22 4636.", "Call one three zero zero, two two, four six three six."),
    ("Call +353 1 234 5678.", "Call plus three five three, one, two three four, five six seven eight."),
])
def test_international_numbers(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Call or text 988.", "Call or text nine eight eight."),
    ("Call 911 if you are in danger.", "Call nine one one if you are in danger."),
    ("Call 911 immediately.", "Call nine one one immediately."),
    ("Dial 211 for local help.", "Dial two one one for local help."),
    ("In the UK, call 999 or 111.", "In the U.K, call nine nine nine or one one one."),
    ("Call Samaritans free on 116 123.", "Call Samaritans free on one one six, one two three."),
    ("In Australia, call Lifeline on 13 11 14.", "In Australia, call Lifeline on one three, one one, one four."),
    ("Text HOME to 741741.", "Text home to seven four one, seven four one."),
    ("Call 000 in an emergency.", "Call zero zero zero in an emergency."),
    ("The 988 Suicide & Crisis Lifeline is free.", "The nine eight eight Suicide and Crisis Lifeline is free."),
    ("988 is the number to call.", "nine eight eight is the number to call."),
    ("The hotline, 988, is open.", "The hotline, nine eight eight, is open."),
    # not lines to call: counts, years, small numbers, no calling word
    ("There were 988 people.", "There were nine hundred eighty-eight people."),
    ("We called 100 clients.", "We called one hundred clients."),
    ("Call 100 people.", "Call one hundred people."),
    ("In 1973, the hotline opened.", "In nineteen seventy-three, the hotline opened."),
    ("Only 911 words.", "Only nine hundred eleven words."),
    ("Call me in 2 days.", "Call me in two days."),
    ("Call 3 friends.", "Call three friends."),
    ("Text 500 friends.", "Text five hundred friends."),
])
def test_short_service_numbers(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Austin, TX 78701.", "Austin, T.X seven eight seven zero one."),
    ("Austin, TX 78701-1234.", "Austin, T.X seven eight seven zero one, one two three four."),
    ("We are a 501(c)(3) nonprofit.", "We are a five oh one c three nonprofit."),
    # must not change into digits
    ("Over 78701 people.", "Over seventy-eight thousand seven hundred one people."),
])
def test_other_numbers_read_digit_by_digit(text: str, expected: str):
    assert speakable(text) == expected
