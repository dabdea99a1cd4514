"""ACE, the Adverse Childhood Experiences questionnaire.

Item text: the CDC-Kaiser Permanente Adverse Childhood Experiences study questionnaire
(Felitti et al. 1998), ten yes/no items. No published German version may be reproduced
here: it stays in English in every language, and the page says why.

Scoring: the count of "yes" (0-10); 4 or more is the high-exposure band of the ACE study
(Felitti et al. 1998). A history, not a symptom: no reliable change.
"""

from __future__ import annotations

from tracker.domain.instruments.base import NO_YES, Instrument, Score
from tracker.domain.messages import N_

HIGH = 4


def rate(values: list[int]) -> Score:
    raw = sum(values)
    return Score(raw, None, frozenset({"high_ace"} if raw >= HIGH else set()))


ACE = Instrument(
    code="ace",
    name=N_("Adverse Childhood Experiences (ACE) questionnaire"),
    short_name=N_("ACE"),
    instructions=N_("While you were growing up, during your first 18 years of life:"),
    items=(
        N_(
            "Did a parent or other adult in the household often or very often swear at you, "
            "insult you, put you down, or humiliate you? Or act in a way that made you afraid "
            "that you might be physically hurt?"
        ),
        N_(
            "Did a parent or other adult in the household often or very often push, grab, "
            "slap, or throw something at you? Or ever hit you so hard that you had marks or "
            "were injured?"
        ),
        N_(
            "Did an adult or person at least 5 years older than you ever touch or fondle you "
            "or have you touch their body in a sexual way? Or attempt or actually have oral, "
            "anal, or vaginal intercourse with you?"
        ),
        N_(
            "Did you often or very often feel that no one in your family loved you or thought "
            "you were important or special? Or your family didn't look out for each other, "
            "feel close to each other, or support each other?"
        ),
        N_(
            "Did you often or very often feel that you didn't have enough to eat, had to wear "
            "dirty clothes, and had no one to protect you? Or your parents were too drunk or "
            "high to take care of you or take you to the doctor if you needed it?"
        ),
        N_(
            "Was a biological parent ever lost to you through divorce, abandonment, or "
            "other reason?"
        ),
        N_(
            "Was your mother or stepmother often or very often pushed, grabbed, slapped, or "
            "had something thrown at her? Or sometimes, often, or very often kicked, bitten, "
            "hit with a fist, or hit with something hard? Or ever repeatedly hit over at least "
            "a few minutes or threatened with a gun or knife?"
        ),
        N_(
            "Did you live with anyone who was a problem drinker or alcoholic, or who used "
            "street drugs?"
        ),
        N_(
            "Was a household member depressed or mentally ill, or did a household member "
            "attempt suicide?"
        ),
        N_("Did a household member go to prison?"),
    ),
    options=NO_YES,
    rate=rate,
    total_range=(0, 10),
    flag_labels={"high_ace": N_("high exposure")},
    no_change_reason="ace: a history of adverse experiences, not a measure of change",
    chart_bands=((0, 3, "", 0), (4, 10, N_("high exposure"), 3)),
    needs_introduction=True,
    introduction=N_(
        "The next questions ask about things that may have happened in your childhood. "
        "Some of them are painful to read. You can take breaks, and you can skip this "
        "questionnaire entirely and talk it through with your therapist instead. Your "
        "answers are seen only by your care team."
    ),
    source="Felitti et al. (1998), Am J Prev Med 14:245-258",
    scoring_source="Felitti et al. (1998), Am J Prev Med 14:245-258",
)
