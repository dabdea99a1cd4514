"""The starter library of integration practices every new practice receives.

Written for ketamine-assisted psychotherapy integration and work with inherited
(generational) trauma. Therapists adapt them per client when assigning.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryPractice:
    title: str
    category: str
    summary: str
    instructions: str
    recurrence: str = "once"


STARTER_LIBRARY: tuple[LibraryPractice, ...] = (
    LibraryPractice(
        "Return to your intention",
        "reflection",
        "Revisit the intention you brought to your medicine session.",
        "Within a day or two of your medicine session, find ten quiet minutes. Read the "
        "intention you set before the session, slowly, twice.\n\n"
        "Then write freely for five minutes: What did the session show you about this "
        "intention? What surprised you? What feels different now, even slightly?\n\n"
        "You do not need to make sense of everything. Bring what you wrote, or simply "
        "what you noticed, to your integration session.",
    ),
    LibraryPractice(
        "Body scan, ten minutes",
        "body",
        "A slow, kind tour of the body to notice what it is holding.",
        "Lie down or sit comfortably. Close your eyes or rest your gaze on the floor.\n\n"
        "Start at the soles of your feet and move your attention upward, a little at a "
        "time: ankles, calves, knees, thighs, pelvis, belly, chest, back, shoulders, arms, "
        "hands, neck, face, the top of your head. At each place, simply notice: warm or "
        "cool, tight or soft, numb or alive. There is nothing to fix.\n\n"
        "Afterwards, note one place that felt tense and one that felt at ease.",
        "daily",
    ),
    LibraryPractice(
        "Grounding with the five senses",
        "body",
        "A quick way back to the present when feelings run high.",
        "When you feel flooded, unreal or far away, pause and name, out loud or silently:\n"
        "5 things you can see,\n4 things you can touch (and touch them),\n"
        "3 things you can hear,\n2 things you can smell,\n1 thing you can taste.\n\n"
        "Press your feet into the floor as you do it. Notice whether anything shifted, "
        "even a little, and write one line about it.",
    ),
    LibraryPractice(
        "Slow breath: longer out than in",
        "breath",
        "Five minutes of extended exhalation to settle the nervous system.",
        "Sit upright with one hand on your belly. Breathe in gently through the nose for "
        "a count of four, and out through softly pursed lips for a count of six to eight. "
        "Keep it easy; never strain.\n\n"
        "Continue for five minutes. If you feel light-headed, return to normal breathing. "
        "Before and after, rate how calm you feel from 0 to 10.",
        "daily",
    ),
    LibraryPractice(
        "Values compass",
        "values",
        "Name what matters most, and one small step toward it this week.",
        "Write down the areas of your life that matter to you: relationships, work, "
        "health, creativity, community, spirituality, rest, or others of your own.\n\n"
        "For each, write one sentence about the person you want to be there. Circle the "
        "two that feel most alive after your recent sessions.\n\n"
        "For each circled value, choose one small, concrete action you can take this "
        "week, and note when you will do it.",
    ),
    LibraryPractice(
        "Family-pattern map",
        "ancestry",
        "Sketch patterns that travel through your family line.",
        "On a large sheet of paper, draw yourself in the middle, your parents above you "
        "and, if you know them, your grandparents above them.\n\n"
        "Next to each person, write a few words: what they lived through, what they "
        "rarely spoke about, how they handled fear, anger, love and money.\n\n"
        "Look at the whole page. Which patterns repeat? Which ones stop with you, or "
        "could? Bring the map to your next session; it does not need to be complete.",
    ),
    LibraryPractice(
        "A letter to an ancestor",
        "ancestry",
        "Write to someone in your family line, known or unknown.",
        "Choose an ancestor: a grandparent, a great-grandparent, or someone whose story "
        "you only know in fragments.\n\n"
        "Write them a letter. You might tell them what you know of their life, what you "
        "carry from them, what you wish they could have had, what you would like to "
        "leave with them and what you would like to keep.\n\n"
        "You do not have to send or share it. Afterwards, notice how your body feels.",
    ),
    LibraryPractice(
        "Noticing inherited beliefs",
        "ancestry",
        "Catch the beliefs that came with the family, and question one.",
        "For one week, keep a short list of the 'rules' you hear in your own head: "
        "sentences such as 'We don't show weakness', 'There is never enough' or 'Don't "
        "trust outsiders'.\n\n"
        "For each, ask: Whose voice is this? When did it protect my family? Does it "
        "still protect me today?\n\n"
        "Pick one belief and write what you would like to believe instead.",
        "weekly",
    ),
    LibraryPractice(
        "Self-compassion break",
        "compassion",
        "Three sentences for a hard moment.",
        "When something hurts, place a hand on your chest or wherever feels soothing, "
        "and say slowly, in your own words:\n"
        "1. 'This is a moment of difficulty.'\n"
        "2. 'Difficulty is part of being human; I am not alone in this.'\n"
        "3. 'May I be kind to myself right now.'\n\n"
        "Note when you used it and what happened afterwards.",
        "daily",
    ),
    LibraryPractice(
        "Time in nature",
        "nature",
        "Twenty unhurried minutes outdoors, with your senses open.",
        "Spend at least twenty minutes outside: a park, a garden, a tree-lined street. "
        "Leave headphones at home and walk slower than usual.\n\n"
        "Let your attention rest on one thing at a time: light through leaves, the "
        "sound of birds, the texture of bark. If thoughts pull you away, come back to "
        "your feet on the ground.\n\n"
        "Write a few words about what you noticed and how you felt before and after.",
        "weekly",
    ),
    LibraryPractice(
        "Journaling: what wants to be known",
        "reflection",
        "Open prompts for the days after a medicine session.",
        "Choose one prompt and write for ten minutes without stopping or editing:\n"
        "- What image, feeling or sentence from the session keeps returning?\n"
        "- What did I understand with my body that my mind is still catching up with?\n"
        "- What is asking for my attention now, gently?\n"
        "- What would I like to tell the part of me that has been waiting?\n\n"
        "Mark anything you would like to talk about in your next session.",
        "daily",
    ),
    LibraryPractice(
        "Safe-place visualisation",
        "body",
        "Build an inner place of safety you can return to.",
        "Sit comfortably and breathe slowly. Imagine a place where you feel completely "
        "safe and at ease, real or imagined. Notice its colours, sounds, temperature and "
        "smells, and where in your body you feel the ease.\n\n"
        "Give the place a word or a gesture, such as a hand on your heart, that can "
        "bring it back. Practise returning to it for three minutes each day.",
        "daily",
    ),
    LibraryPractice(
        "Gratitude for what survived",
        "ancestry",
        "Name the strengths that came down the family line.",
        "Families that lived through hardship also pass on strength: humour, faith, "
        "craftsmanship, cooking, songs, stubborn hope.\n\n"
        "List five strengths or treasures that reached you through your family. For each, "
        "write who carried it and how it shows up in your life today.",
    ),
)
