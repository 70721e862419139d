"""Money, clock times, dates and units, as a person reading aloud says them."""

from __future__ import annotations

import pytest
from gentle_steps.audio.speech import speakable


def check(rows: list[tuple[str, str]]):
    return pytest.mark.parametrize(("text", "expected"), rows, ids=[r[0] for r in rows])


@check([
    ("Sessions cost $135.", "Sessions cost one hundred thirty-five dollars."),
    ("It's $120/hr.", "It's one hundred twenty dollars an hour."),
    ("It's $120/hour for couples.", "It's one hundred twenty dollars an hour for couples."),
    ("It's £60.", "It's sixty pounds."),
    ("A €1.5 million grant.", "A one point five million euros grant."),
    ("Only $5.99!", "Only five dollars and ninety-nine cents!"),
    ("Just $1.", "Just one dollar."),
    ("Just $1.01.", "Just one dollar and one cent."),
    ("Only $0.50.", "Only fifty cents."),
    ("About $1,200.", "About one thousand two hundred dollars."),
    ("About $5k.", "About five thousand dollars."),
    ("About $2 million.", "About two million dollars."),
    ("Fees are $100-$150 per session.", "Fees are one hundred to one hundred fifty dollars per session."),
    ("Fees are $100–150/session.", "Fees are one hundred to one hundred fifty dollars a session."),
    ("It's £5.50.", "It's five pounds and fifty pence."),
    ("It's A$80.", "It's eighty Australian dollars."),
    ("It's $200/month.", "It's two hundred dollars a month."),
    ("It's $2000.", "It's two thousand dollars."),
    # must not change
    ("It costs nothing.", "It costs nothing."),
    ("Dollars and cents.", "Dollars and cents."),
])
def test_money(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Open at 10:00AM.", "Open at ten a.m."),
    ("Open at 10:00AM daily.", "Open at ten a.m daily."),
    ("At 9:59 a.m. we open.", "At nine fifty-nine a.m. we open."),
    ("Close at 5:00PM.", "Close at five p.m."),
    ("Close at 5pm today.", "Close at five p.m today."),
    ("Close at 7 PM today.", "Close at seven p.m today."),
    ("Meet at 10:30.", "Meet at ten thirty."),
    ("Meet at 10:05.", "Meet at ten oh five."),
    ("Meet at 10:00.", "Meet at ten o'clock."),
    ("Meet at 17:30.", "Meet at seventeen thirty."),
    ("Meet at 17:00.", "Meet at seventeen hundred."),
    ("Open 10-11am.", "Open ten to eleven a.m."),
    ("Open 9am-5pm.", "Open nine a.m to five p.m."),
    ("Open 9:30–11:00 a.m. daily.", "Open nine thirty to eleven a.m. daily."),
    ("Lunch at 12 noon.", "Lunch at twelve noon."),
    # must not change
    ("Lunch at noon.", "Lunch at noon."),
    ("Sleep by midnight.", "Sleep by midnight."),
    ("I am here.", "I am here."),
    ("Ask me what time it is.", "Ask me what time it is."),
])
def test_times(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("On July 2, 2025 we met.", "On July second, twenty twenty-five we met."),
    ("On 2025-07-02 we met.", "On July second, twenty twenty-five we met."),
    ("On 7/2/2025 we met.", "On July second, twenty twenty-five we met."),
    ("On 2 July 2025 we met.", "On the second of July, twenty twenty-five we met."),
    ("On the 2nd of July.", "On the second of July."),
    ("On March 3rd.", "On March third."),
    ("On Jan. 5 we rest.", "On January fifth we rest."),
    ("On Sept. 12 we rest.", "On September twelfth we rest."),
    ("From July 2-4.", "From July second to fourth."),
    ("See you Mon.", "See you Monday."),
    ("Open Mon. to Fri.", "Open Monday to Friday."),
    ("Open Mon-Fri.", "Open Monday to Friday."),
    ("Open Tues. and Thurs. evenings.", "Open Tuesday and Thursday evenings."),
    # must not change
    ("See you Monday.", "See you Monday."),
    ("May I help?", "May I help?"),
    ("We march forward.", "We march forward."),
    ("We sat down.", "We sat down."),
])
def test_dates(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("A 50 min session.", "A fifty minute session."),
    ("Rest 50 min.", "Rest fifty minutes."),
    ("Rest 1 min.", "Rest one minute."),
    ("Walk 5 km.", "Walk five kilometers."),
    ("Take 2 hrs off.", "Take two hours off."),
    ("Take 10 mg daily.", "Take ten milligrams daily."),
    ("Drink 250 ml.", "Drink two hundred fifty milliliters."),
    ("Rest 5-10 min.", "Rest five to ten minutes."),
    ("Sleep 1.5 hrs.", "Sleep one point five hours."),
    ("Take 2000 IU.", "Take two thousand international units."),
    ("Move 3x a week.", "Move three times a week."),
    ("Move 3x/week.", "Move three times a week."),
    ("It's 20°C.", "It's twenty degrees Celsius."),
    ("It's 98.6°F.", "It's ninety-eight point six degrees Fahrenheit."),
    ("A heart rate of 60 bpm.", "A heart rate of sixty beats per minute."),
    ("Use 3 x 5 cards.", "Use three by five cards."),
    # must not change (apart from the number)
    ("Rest 5 minutes.", "Rest five minutes."),
    ("In minutes, not hours.", "In minutes, not hours."),
    ("Give me a min.", "Give me a min."),
])
def test_units(text: str, expected: str):
    assert speakable(text) == expected
