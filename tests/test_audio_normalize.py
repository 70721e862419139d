"""Numbers in the spoken text: one table per rule, each with rows that must NOT change.

Every expected value is written by hand, as a person reading the sentence aloud would say it (US English).
The rules are tested through ``speakable``, the function the build calls, so the whole chain is in play.
"""

from __future__ import annotations

import pytest
from gentle_steps.audio.speech import speakable


def check(rows: list[tuple[str, str]]):
    return pytest.mark.parametrize(("text", "expected"), rows, ids=[r[0] for r in rows])


@check([
    ("I have 3 kids.", "I have three kids."),
    ("About 1,200 people came.", "About one thousand two hundred people came."),
    ("It took 45 days.", "It took forty-five days."),
    ("There are 101 ways.", "There are one hundred one ways."),
    ("We walked 10,000 steps.", "We walked ten thousand steps."),
    ("Only 0 of them.", "Only zero of them."),
    ("Agent 007 returns.", "Agent zero zero seven returns."),
    ("A million is 1,000,000.", "A million is one million."),
    ("It is -5 outside.", "It is minus five outside."),
    ("Take vitamin B12.", "Take vitamin B twelve."),
    ("A 24-hour line.", "A twenty-four hour line."),
    # must not change
    ("Three kids and one dog.", "Three kids and one dog."),
    ("We met one-on-one.", "We met one-on-one."),
    ("Nothing to count here.", "Nothing to count here."),
])
def test_cardinals(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("The 8th time.", "The eighth time."),
    ("She came 1st.", "She came first."),
    ("In 2nd place.", "In second place."),
    ("The 3rd step.", "The third step."),
    ("The 21st century.", "The twenty-first century."),
    ("Day 100th", "Day one hundredth"),
    ("The 112th session.", "The one hundred twelfth session."),
    # must not change
    ("The first step.", "The first step."),
    ("The fifth time.", "The fifth time."),
])
def test_ordinals(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("It was 1.5 times longer.", "It was one point five times longer."),
    ("About 0.5 of a dose.", "About zero point five of a dose."),
    ("Pi is 3.14.", "Pi is three point one four."),
    ("Version 2.0 is out.", "Version two point zero is out."),
    ("It weighs 1,234.5 grams.", "It weighs one thousand two hundred thirty-four point five grams."),
    # a full stop after a number is not a decimal point
    ("The answer is 5. Then rest.", "The answer is five. Then rest."),
    ("Count to 10.", "Count to ten."),
])
def test_decimals(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Add 1/2 cup.", "Add one half cup."),
    ("It took 3/4 of the time.", "It took three quarters of the time."),
    ("Only 2/3 of us.", "Only two thirds of us."),
    ("Just 1/3 of it.", "Just one third of it."),
    ("Use 1/8 teaspoon.", "Use one eighth teaspoon."),
    ("Some 9/10 people agree.", "Some nine out of ten people agree."),
    ("Rest 2 1/2 hours.", "Rest two and a half hours."),
    ("Rest 1½ hours.", "Rest one and a half hours."),
    ("Add ½ cup.", "Add one half cup."),
    ("Support 24/7.", "Support twenty-four seven."),
    ("Split it 50/50.", "Split it fifty-fifty."),
    ("A 10/10 day.", "A ten out of ten day."),
    ("Rated 4.9/5 stars.", "Rated four point nine out of five stars."),
    ("Rate it 7/10 today.", "Rate it seven out of ten today."),
    # must not change
    ("Half of us.", "Half of us."),
    ("A quarter hour.", "A quarter hour."),
])
def test_fractions(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("About 50% of couples.", "About fifty percent of couples."),
    ("Only 2.5% said no.", "Only two point five percent said no."),
    ("I'm 100% sure.", "I'm one hundred percent sure."),
    ("Some 10-20% of people.", "Some ten to twenty percent of people."),
    ("About 50 % of them.", "About fifty percent of them."),
    # must not change (apart from the number)
    ("A 50 percent chance.", "A fifty percent chance."),
    ("Percentages vary.", "Percentages vary."),
])
def test_percentages(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Try 3-5 minutes.", "Try three to five minutes."),
    ("Try 3–5 minutes.", "Try three to five minutes."),
    ("For ages 18-25.", "For ages eighteen to twenty-five."),
    ("From 1990-1995.", "From nineteen ninety to nineteen ninety-five."),
    ("Read pages 10-12.", "Read pages ten to twelve."),
    ("Do it 2-3 times a week.", "Do it two to three times a week."),
    ("On a scale of 1-10.", "On a scale of one to ten."),
    ("Between 9–12 months.", "Between nine and twelve months."),
    ("Between $100-150 a session.", "Between one hundred and one hundred fifty dollars a session."),
    ("Open between 9am-5pm.", "Open between nine a.m and five p.m."),
    ("Choose between going to bed and rest.", "Choose between going to bed and rest."),
    # must not change
    ("A well-being plan.", "A well-being plan."),
    ("Meet one-to-one.", "Meet one-to-one."),
    ("Stay self-aware.", "Stay self-aware."),
])
def test_ranges(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Count 5-4-3-2-1 slowly.", "Count five, four, three, two, one slowly."),
    ("Try the 5-4-3-2-1 method.", "Try the five, four, three, two, one method."),
    ("Say 1-2-3 and go.", "Say one, two, three and go."),
    ("Try 4-7-8 breathing.", "Try four, seven, eight breathing."),
    ("Count 10-9-8 down.", "Count ten, nine, eight down."),
    # must not change into a sequence: a phone number, a date
    ("Call 555-123-4567.", "Call five five five, one two three, four five six seven."),
    ("On 2025-07-02.", "On July second, twenty twenty-five."),
])
def test_counted_sequences(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Count by 7s.", "Count by sevens."),
    ("Count in 2s and 3s.", "Count in twos and threes."),
    ("Count by 6s.", "Count by sixes."),
    ("In my 20s.", "In my twenties."),
    ("Back in the '90s.", "Back in the nineties."),
    ("Back in the 90s.", "Back in the nineties."),
    ("There were 100s of people.", "There were hundreds of people."),
    ("In the 1800s.", "In the eighteen hundreds."),
    ("In the 1990s.", "In the nineteen nineties."),
    ("In the 1990's.", "In the nineteen nineties."),
    # a possessive is not a plural
    ("2023's events.", "twenty twenty-three's events."),
])
def test_plurals_of_numbers(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Our #1 priority.", "Our number one priority."),
    ("The No. 1 fan.", "The number one fan."),
    ("Step #2 is rest.", "Step number two is rest."),
    # must not change into "number"
    ("Use #selfcare daily.", "Use selfcare daily."),
    ("No. I won't.", "No. I won't."),
])
def test_number_sign(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("We offer 1:1 sessions.", "We offer one-on-one sessions."),
    ("We meet 1:1.", "We meet one-on-one."),
    ("Keep a 1:1 ratio.", "Keep a one to one ratio."),
    ("Keep a 3:1 ratio.", "Keep a three to one ratio."),
    ("The odds are 2:1.", "The odds are two to one."),
    # must not change into a ratio: clock times and verses
    ("Meet at 10:30.", "Meet at ten thirty."),
    ("Read John 3:16.", "Read John three sixteen."),
])
def test_ratios(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("In 1994 we met.", "In nineteen ninety-four we met."),
    ("In 2005 we met.", "In two thousand five we met."),
    ("By 2024 we knew.", "By twenty twenty-four we knew."),
    ("In 1907 it began.", "In nineteen oh seven it began."),
    ("In 2000 it ended.", "In two thousand it ended."),
    ("Around 1900.", "Around nineteen hundred."),
    ("In 2010 we moved.", "In twenty ten we moved."),
    ("The 2020s were hard.", "The twenty twenties were hard."),
    ("The 2000s were calm.", "The two thousands were calm."),
    ("In July 2025.", "In July twenty twenty-five."),
    # must not change into years: counts with a thousands separator, money
    ("We had 1,994 replies.", "We had one thousand nine hundred ninety-four replies."),
    ("It cost $2000.", "It cost two thousand dollars."),
])
def test_years_and_decades(text: str, expected: str):
    assert speakable(text) == expected
