"""The instruments entered as scores by the therapist: CADSS, EBI, MEQ-30, DES-II, SUDS.

Their item text is not ours to print, so each is a name, the score fields with their
ranges, the total, a flag rule where one is published and the source: one
``ScoresOnlyInstrument`` entry each, kept together here because they share that shape.
Adding one is one entry in ``SCORES_ONLY_INSTRUMENTS``, its catalogue strings and its
tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker.domain.instruments.base import ScoreField, ScoresOnlyInstrument
from tracker.domain.messages import N_

MEQ30_SUBSCALES = ("mystical", "positive_mood", "transcendence", "ineffability")
MEQ30_COMPLETE_AT = 3.0  # 60 percent of the subscale maximum (5)
DES2_HIGH = 30


def meq30_complete(subscales: Mapping[str, float]) -> bool:
    """A complete mystical experience: every subscale at least 60% of its maximum (5)."""
    return all(subscales.get(key, 0) >= MEQ30_COMPLETE_AT for key in MEQ30_SUBSCALES)


def _meq30_flags(values: Mapping[str, float]) -> frozenset[str]:
    return frozenset({"complete_mystical_experience"} if meq30_complete(values) else set())


def _des2_flags(values: Mapping[str, float]) -> frozenset[str]:
    return frozenset({"high_dissociation"} if values["total"] >= DES2_HIGH else set())


CADSS = ScoresOnlyInstrument(
    code="cadss",
    name=N_("Clinician-Administered Dissociative States Scale (CADSS)"),
    short_name=N_("CADSS"),
    fields=(ScoreField("total", N_("Total (23 items, 0–92)"), 0, 92),),
    total_key="total",
    lower_is_better=True,
    note=N_("Dissociation during or right after a medicine session."),
    source="Bremner et al. (1998), J Trauma Stress 11:125-136",
)

EBI = ScoresOnlyInstrument(
    code="ebi",
    name=N_("Emotional Breakthrough Inventory (EBI)"),
    short_name=N_("EBI"),
    fields=(ScoreField("total", N_("Mean of the 6 items (0–100)"), 0, 100, 1),),
    total_key="total",
    lower_is_better=False,
    source="Roseman et al. (2019), J Psychopharmacol 33:1076-1087",
)

MEQ30 = ScoresOnlyInstrument(
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
    rate_flags=_meq30_flags,
    flag_labels={"complete_mystical_experience": N_("complete mystical experience")},
)

DES2 = ScoresOnlyInstrument(
    code="des2",
    name=N_("Dissociative Experiences Scale II (DES-II)"),
    short_name=N_("DES-II"),
    fields=(ScoreField("total", N_("Mean score of 28 items (0–100)"), 0, 100, 1),),
    total_key="total",
    lower_is_better=True,
    note=N_("A mean of 30 or more suggests high dissociation and calls for follow-up."),
    source="Carlson & Putnam (1993), Dissociation 6:16-27",
    rate_flags=_des2_flags,
    flag_labels={"high_dissociation": N_("high dissociation")},
)

SUDS = ScoresOnlyInstrument(
    code="suds",
    name=N_("Subjective Units of Distress (SUDS)"),
    short_name=N_("SUDS"),
    fields=(ScoreField("total", N_("Distress now (0–10)"), 0, 10),),
    total_key="total",
    lower_is_better=True,
    source="Wolpe (1969)",
)

SCORES_ONLY_INSTRUMENTS = (CADSS, EBI, MEQ30, DES2, SUDS)
