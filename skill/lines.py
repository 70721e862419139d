"""Every line the skill says, written once, for the ear. ``skill/SPOKEN_LINES.md`` lists them for review.

Rules the lines follow: brief and calm, never clinical, never a claim to be therapy or emergency help; one word
for sections everywhere ("section", never "part"); a title read aloud loses the punctuation that would change its
intonation (:func:`gentle_steps.skill.ssml.title`); a section's title is heard once when it starts, in the
narration (every section file opens with its heading, the first with the episode title), so the skill's own
words never name the section it starts playing. ``{placeholders}`` are filled by :meth:`Line.__call__`, which
escapes plain text for SSML and keeps :class:`~gentle_steps.skill.ssml.Ssml` fragments as they are.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from gentle_steps.skill import ssml


@dataclass(frozen=True)
class Line:
    """One thing the skill says: a template and when it is said."""

    text: str
    """The words, with ``{placeholders}``; no SSML, no ``&``, ``<`` or ``>``."""

    when: str
    """When the skill says it (for the reviewer)."""

    def __call__(self, **values: str) -> ssml.Ssml:
        """The line with its placeholders filled (plain values escaped for SSML)."""
        safe = {k: v if isinstance(v, ssml.Ssml) else ssml.escape(str(v)) for k, v in values.items()}
        return ssml.Ssml(self.text.format(**safe))

    @property
    def placeholders(self) -> list[str]:
        """The names of its placeholders, in order."""
        return [name for _, name, _, _ in string.Formatter().parse(self.text) if name]


# --- choices and the welcome ----------------------------------------------------------------------------------

CHOICES = Line("You can ask for a grounding message, hear the list of sections, or play the episode.",
               "inside other lines, as {choices}, when the show has no breathing exercise")
CHOICES_BREATHING = Line("You can ask for a grounding message or a breathing exercise, hear the list of sections, "
                         "or play the episode.", "inside other lines, as {choices}, when the show has one")
WHAT_WOULD_YOU_LIKE = Line("{choices} What would you like?", "the reprompt of most questions")
WELCOME = Line("Welcome to {show}. {choices} What would you like?", "Launch: a new listener, or nothing to resume")
WELCOME_BACK = Line("Welcome back to {show}. Last time you were listening to: {title}. Would you like to pick up "
                    "where you left off?", "Launch: a listener with a saved place in a section")
RESUME_REPROMPT = Line("Would you like to pick up where you left off? You can say yes or no.",
                       "reprompt after the welcome back")
ALL_RIGHT = Line("All right. {choices} What would you like?", "No to picking up where you left off")
HELP = Line("You can say: give me a grounding message, {breathing}what sections are there, or play the episode. "
            "If you need help right now, say: I need help now. {show} isn't therapy, and it isn't emergency help. "
            "What would you like?", "Help ({breathing} is \"help me breathe, \" when the show has the exercise)")
HELP_BREATHING = Line("help me breathe, ", "inside Help, as {breathing}")
FALLBACK = Line("Sorry, I didn't quite catch that. {hint}", "words the skill does not understand")
HINT = Line("You can ask for a grounding message, or a section by name, like {examples}. Or say: what sections "
            "are there.", "inside the fallback and after a section name that matches nothing, as {hint}")
CANNOT = Line("Sorry, I can't do that here.", "loop and shuffle")
GOODBYE = Line("Take care of yourself.", "stop, cancel or no, when nothing is playing")
SORRY = Line("Sorry, something went wrong on my side. Please try again in a moment.",
             "an error while answering (the session ends)")
NOTHING_TO_REPEAT = Line("There's nothing to repeat yet. {choices} What would you like?",
                         "repeat, with nothing said or played before")

# --- grounding ----------------------------------------------------------------------------------------------

NO_PROMPTS = Line("Let's take one slow breath together. In, and out. You're doing the best you can, and that is "
                  "enough for now.", "a grounding message, when the show has no prompts (spoken slowly)")
NO_PROMPTS_NEXT = Line("You can also hear the list of sections, or play the episode.",
                       "after the slow breath that stands in for prompts")
ANOTHER = Line("Would you like another one?", "after a grounding message (its clip, or its text spoken slowly)")
ANOTHER_REPROMPT = Line("Would you like another grounding message? You can say yes or no.",
                        "reprompt after a grounding message")

# --- the list of sections, three at a time --------------------------------------------------------------------

LIST_OPENING = Line("This episode, from {date}, has {count} sections.",
                    "the list starts (the date as the listener's locale writes it)")
LIST_OPENING_UNDATED = Line("This episode has {count} sections.", "the list starts, for an episode without a date")
LIST_ITEM = Line("{number}. {title}.", "each section in the list, three at a time")
LIST_MORE = Line("Want to hear more?", "after three sections, when more are left")
LIST_MORE_REPROMPT = Line("Want to hear more sections? You can say yes or no, or say the name of one to play it.",
                          "reprompt after \"Want to hear more?\"")
LIST_WHICH = Line("Which one would you like to hear?", "after the last section of the list")
LIST_WHICH_REPROMPT = Line("Which section would you like? You can say its name, or play the episode.",
                           "reprompt after the list")
LIST_NO_MORE = Line("All right. Which one would you like to hear?", "No to \"Want to hear more?\"")

# --- playing ------------------------------------------------------------------------------------------------

PLAY_EPISODE = Line("Playing the newest episode.", "play the episode (the narration then says its title)")
PLAY_SECTION = Line("Playing that section.", "play a section by name (the narration then says its title)")
PICK_UP = Line("Picking up where you left off.", "Yes to picking up where you left off")
NEXT = Line("Next section.", "next, in a conversation")
PREVIOUS = Line("Going back a section.", "previous, in a conversation")
START_OVER = Line("Starting from the beginning.", "start over, in a conversation")
NOTHING_PLAYING = Line("Nothing is playing right now. {choices}", "next, or stop after this section, with nothing "
                       "playing")
LAST_SECTION = Line("That was the last section. You can say start over, or ask for a grounding message.",
                    "next, after the last section")
NOTHING_TO_RESUME = Line("There's nothing to pick up yet. {choices}", "resume, with no saved place")
SECTION_NOT_FOUND = Line("I couldn't find that section. {hint}", "a section name that matches nothing")
STOP_AFTER = Line("All right. I'll stop at the end of this section.",
                  "stop after this section, while a section plays (the audio carries on)")

# --- reading a section aloud (devices without the AudioPlayer) --------------------------------------------

NEXT_QUESTION = Line("Would you like the next section, {title}?", "after a section read aloud")
NEXT_QUESTION_REPROMPT = Line("Would you like the next section, {title}? You can say yes or no.",
                              "reprompt after a section read aloud")
READING_CUT = Line("That's where I'll stop. The whole reading is on the show's page.",
                   "a section too long to read aloud in one answer")
LAST_READ = Line("That was the last section. Take care of yourself.", "after the last section read aloud")

# --- breathing ------------------------------------------------------------------------------------------------

BREATHING_START = Line("Here's {length} of slow breathing. You can stop any time: just say, Alexa, stop.",
                       "help me breathe (the track then plays)")
BREATHING_OFF = Line("Let's breathe together, slowly. Breathe in gently through your nose. And out through your "
                     "mouth. Once more: in, and out. You can stop any time.",
                     "help me breathe, when the show has no breathing tracks (spoken slowly)")
ONE_MINUTE = Line("one minute", "as {length}")
MINUTES = Line("{count} minutes", "as {length}")

# --- crisis -------------------------------------------------------------------------------------------------

CRISIS_NO_LINES = Line("If you are in danger, please call your local emergency number now.",
                       "crisis, for a locale whose numbers the skill does not know")
CRISIS_RECORDING = Line("{show} is only a recording and can't help in an emergency, but they can.",
                        "crisis, after the numbers")
CRISIS_REPEAT = Line("Would you like me to repeat that?", "crisis, last")
CRISIS_REPROMPT = Line("Would you like me to repeat the numbers? You can say yes or no.", "reprompt after crisis")
CRISIS_GOODBYE = Line("All right. The numbers are in your Alexa app too. Please reach out to them. Take care "
                      "of yourself.", "no, stop or cancel after the crisis answer")


def all_lines() -> dict[str, Line]:
    """Every line of this module by name, in the order written."""
    return {name: value for name, value in globals().items() if isinstance(value, Line)}
