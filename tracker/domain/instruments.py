"""Outcome-measure instruments as data: items, answer options, and where they come from.

Instruments with item text may be reproduced freely (public domain or free to use):
- PHQ-9 and GAD-7: Spitzer, Kroenke, Williams et al., developed with a grant from
  Pfizer Inc.; "no permission required to reproduce, translate, display or distribute".
- PCL-5: Weathers, Litz, Keane, Palmieri, Marx & Schnurr (2013), National Center for
  PTSD; in the public domain.
- WHO-5: WHO Collaborating Centre in Mental Health, Psychiatric Research Unit,
  Frederiksborg (1998); free to use.
- ACE: the CDC-Kaiser Permanente Adverse Childhood Experiences study questionnaire
  (Felitti et al., 1998), ten yes/no items.

Scores-only instruments (CADSS, EBI, MEQ-30, DES-II, SUDS) are entered by the therapist
as scores: their item text is not ours to print.

Translations of item text are never our own: an instrument is shown in another language
only where a published, validated version may be reproduced freely, listed in
``translated_locales`` (the catalogue then carries that published wording):
- German PHQ-9 (PHQ-D; Löwe, Spitzer, Zipfel & Herzog 2002) and German GAD-7 (Löwe et al.
  2008): part of the Pfizer PHQ family, released for use without permission.
- German WHO-5: free to use (WHO Collaborating Centre, Psychiatric Research Unit).
PCL-5 and ACE stay in English in every language, and the page says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.domain.messages import N_


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    short_name: str
    instructions: str
    items: tuple[str, ...]
    options: tuple[AnswerOption, ...]
    lower_is_better: bool = True
    # An unscored extra question (PHQ-9's difficulty question), with its options.
    extra_question: str | None = None
    extra_options: tuple[AnswerOption, ...] = ()
    # Asked only after the therapist's explicit assignment and a gentle introduction.
    needs_introduction: bool = False
    introduction: str = ""
    source: str = ""
    # Languages besides the English original with a published version we may reproduce.
    translated_locales: frozenset[str] = frozenset()

    def has_version_in(self, language: str) -> bool:
        """Whether the item text may be shown in ``language`` (else it stays in English)."""
        return language == "en" or language in self.translated_locales

    @property
    def min_answer(self) -> int:
        return min(option.value for option in self.options)

    @property
    def max_answer(self) -> int:
        return max(option.value for option in self.options)


FREQUENCY_2_WEEKS = (
    AnswerOption(0, N_("Not at all")),
    AnswerOption(1, N_("Several days")),
    AnswerOption(2, N_("More than half the days")),
    AnswerOption(3, N_("Nearly every day")),
)

PHQ9 = Instrument(
    code="phq9",
    name=N_("Patient Health Questionnaire (PHQ-9)"),
    short_name=N_("PHQ-9"),
    instructions=N_(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        N_("Little interest or pleasure in doing things"),
        N_("Feeling down, depressed, or hopeless"),
        N_("Trouble falling or staying asleep, or sleeping too much"),
        N_("Feeling tired or having little energy"),
        N_("Poor appetite or overeating"),
        N_(
            "Feeling bad about yourself — or that you are a failure or have let yourself "
            "or your family down"
        ),
        N_("Trouble concentrating on things, such as reading the newspaper or watching television"),
        N_(
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual"
        ),
        N_("Thoughts that you would be better off dead or of hurting yourself in some way"),
    ),
    options=FREQUENCY_2_WEEKS,
    extra_question=N_(
        "If you checked off any problems, how difficult have these problems made it for "
        "you to do your work, take care of things at home, or get along with other people?"
    ),
    extra_options=(
        AnswerOption(0, N_("Not difficult at all")),
        AnswerOption(1, N_("Somewhat difficult")),
        AnswerOption(2, N_("Very difficult")),
        AnswerOption(3, N_("Extremely difficult")),
    ),
    source="Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606-613",
    translated_locales=frozenset({"de"}),
)

GAD7 = Instrument(
    code="gad7",
    name=N_("Generalized Anxiety Disorder scale (GAD-7)"),
    short_name=N_("GAD-7"),
    instructions=N_(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    items=(
        N_("Feeling nervous, anxious, or on edge"),
        N_("Not being able to stop or control worrying"),
        N_("Worrying too much about different things"),
        N_("Trouble relaxing"),
        N_("Being so restless that it is hard to sit still"),
        N_("Becoming easily annoyed or irritable"),
        N_("Feeling afraid, as if something awful might happen"),
    ),
    options=FREQUENCY_2_WEEKS,
    source="Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092-1097",
    translated_locales=frozenset({"de"}),
)

PCL5 = Instrument(
    code="pcl5",
    name=N_("PTSD Checklist for DSM-5 (PCL-5)"),
    short_name=N_("PCL-5"),
    instructions=N_(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Keeping your worst event in mind, please read each problem "
        "carefully and then select how much you have been bothered by that problem in the "
        "past month."
    ),
    items=(
        N_("Repeated, disturbing, and unwanted memories of the stressful experience?"),
        N_("Repeated, disturbing dreams of the stressful experience?"),
        N_(
            "Suddenly feeling or acting as if the stressful experience were actually "
            "happening again (as if you were actually back there reliving it)?"
        ),
        N_("Feeling very upset when something reminded you of the stressful experience?"),
        N_(
            "Having strong physical reactions when something reminded you of the stressful "
            "experience (for example, heart pounding, trouble breathing, sweating)?"
        ),
        N_("Avoiding memories, thoughts, or feelings related to the stressful experience?"),
        N_(
            "Avoiding external reminders of the stressful experience (for example, people, "
            "places, conversations, activities, objects, or situations)?"
        ),
        N_("Trouble remembering important parts of the stressful experience?"),
        N_(
            "Having strong negative beliefs about yourself, other people, or the world (for "
            "example, having thoughts such as: I am bad, there is something seriously wrong "
            "with me, no one can be trusted, the world is completely dangerous)?"
        ),
        N_(
            "Blaming yourself or someone else for the stressful experience or what happened "
            "after it?"
        ),
        N_("Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
        N_("Loss of interest in activities that you used to enjoy?"),
        N_("Feeling distant or cut off from other people?"),
        N_(
            "Trouble experiencing positive feelings (for example, being unable to feel "
            "happiness or have loving feelings for people close to you)?"
        ),
        N_("Irritable behavior, angry outbursts, or acting aggressively?"),
        N_("Taking too many risks or doing things that could cause you harm?"),
        N_('Being "superalert" or watchful or on guard?'),
        N_("Feeling jumpy or easily startled?"),
        N_("Having difficulty concentrating?"),
        N_("Trouble falling or staying asleep?"),
    ),
    options=(
        AnswerOption(0, N_("Not at all")),
        AnswerOption(1, N_("A little bit")),
        AnswerOption(2, N_("Moderately")),
        AnswerOption(3, N_("Quite a bit")),
        AnswerOption(4, N_("Extremely")),
    ),
    source="Weathers et al. (2013), National Center for PTSD; public domain",
)

WHO5 = Instrument(
    code="who5",
    name=N_("WHO-5 Well-Being Index"),
    short_name=N_("WHO-5"),
    instructions=N_(
        "Please indicate for each of the five statements which is closest to how you have "
        "been feeling over the last two weeks."
    ),
    items=(
        N_("I have felt cheerful and in good spirits"),
        N_("I have felt calm and relaxed"),
        N_("I have felt active and vigorous"),
        N_("I woke up feeling fresh and rested"),
        N_("My daily life has been filled with things that interest me"),
    ),
    options=(
        AnswerOption(5, N_("All of the time")),
        AnswerOption(4, N_("Most of the time")),
        AnswerOption(3, N_("More than half of the time")),
        AnswerOption(2, N_("Less than half of the time")),
        AnswerOption(1, N_("Some of the time")),
        AnswerOption(0, N_("At no time")),
    ),
    lower_is_better=False,
    source="WHO Collaborating Centre in Mental Health, Frederiksborg (1998); Topp et al. "
    "(2015), Psychother Psychosom 84:167-176",
    translated_locales=frozenset({"de"}),
)

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
    options=(AnswerOption(0, N_("No")), AnswerOption(1, N_("Yes"))),
    needs_introduction=True,
    introduction=N_(
        "The next questions ask about things that may have happened in your childhood. "
        "Some of them are painful to read. You can take breaks, and you can skip this "
        "questionnaire entirely and talk it through with your therapist instead. Your "
        "answers are seen only by your care team."
    ),
    source="Felitti et al. (1998), Am J Prev Med 14:245-258",
)

ITEM_INSTRUMENTS: dict[str, Instrument] = {i.code: i for i in (PHQ9, GAD7, PCL5, WHO5, ACE)}


@dataclass(frozen=True)
class ScoreField:
    key: str
    label: str
    minimum: float
    maximum: float
    decimals: int = 0


@dataclass(frozen=True)
class ScoresOnlyInstrument:
    """Entered as scores by the therapist; the item text is not reproduced."""

    code: str
    name: str
    short_name: str
    fields: tuple[ScoreField, ...]
    total_key: str
    lower_is_better: bool
    note: str = ""
    source: str = ""
    extra: dict = field(default_factory=dict)


SCORES_ONLY: dict[str, ScoresOnlyInstrument] = {
    "cadss": ScoresOnlyInstrument(
        code="cadss",
        name=N_("Clinician-Administered Dissociative States Scale (CADSS)"),
        short_name=N_("CADSS"),
        fields=(ScoreField("total", N_("Total (23 items, 0–92)"), 0, 92),),
        total_key="total",
        lower_is_better=True,
        note=N_("Dissociation during or right after a medicine session."),
        source="Bremner et al. (1998), J Trauma Stress 11:125-136",
    ),
    "ebi": ScoresOnlyInstrument(
        code="ebi",
        name=N_("Emotional Breakthrough Inventory (EBI)"),
        short_name=N_("EBI"),
        fields=(ScoreField("total", N_("Mean of the 6 items (0–100)"), 0, 100, 1),),
        total_key="total",
        lower_is_better=False,
        source="Roseman et al. (2019), J Psychopharmacol 33:1076-1087",
    ),
    "meq30": ScoresOnlyInstrument(
        code="meq30",
        name=N_("Mystical Experience Questionnaire (MEQ-30)"),
        short_name=N_("MEQ-30"),
        fields=(
            ScoreField("mystical", N_("Mystical (mean of 15 items, 0–5)"), 0, 5, 2),
            ScoreField("positive_mood", N_("Positive mood (mean of 6 items, 0–5)"), 0, 5, 2),
            ScoreField(
                "transcendence", N_("Transcendence of time and space (mean of 6, 0–5)"), 0, 5, 2
            ),
            ScoreField("ineffability", N_("Ineffability (mean of 3 items, 0–5)"), 0, 5, 2),
        ),
        total_key="mystical",
        lower_is_better=False,
        note=N_(
            "A complete mystical experience: at least 60 percent of the maximum on every subscale."
        ),
        source="Barrett, Johnson & Griffiths (2015), J Psychopharmacol 29:1182-1190",
    ),
    "des2": ScoresOnlyInstrument(
        code="des2",
        name=N_("Dissociative Experiences Scale II (DES-II)"),
        short_name=N_("DES-II"),
        fields=(ScoreField("total", N_("Mean score of 28 items (0–100)"), 0, 100, 1),),
        total_key="total",
        lower_is_better=True,
        note=N_("A mean of 30 or more suggests high dissociation and calls for follow-up."),
        source="Carlson & Putnam (1993), Dissociation 6:16-27",
    ),
    "suds": ScoresOnlyInstrument(
        code="suds",
        name=N_("Subjective Units of Distress (SUDS)"),
        short_name=N_("SUDS"),
        fields=(ScoreField("total", N_("Distress now (0–10)"), 0, 10),),
        total_key="total",
        lower_is_better=True,
        source="Wolpe (1969)",
    ),
}


def short_name(code: str) -> str:
    """The display name of any instrument code."""
    if code in ITEM_INSTRUMENTS:
        return ITEM_INSTRUMENTS[code].short_name
    return SCORES_ONLY[code].short_name


ALL_CODES = (*ITEM_INSTRUMENTS, *SCORES_ONLY)
