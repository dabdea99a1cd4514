"""The demo practice as plain data: its people, their courses, what they wrote, and when.

Everything here is invented. Dates are either fixed (the courses of autumn 2026) or
counted from the day the demo is seeded (Elif's course, and Today's work), so that the
therapist's Today is full whenever the demo is seeded. ``seeding`` records all of it
through the services the app's pages use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from tracker.domain.clients import ConsentKind, ScreeningDecision
from tracker.domain.policy import Role

DEMO_PRACTICE = "Demo Practice"
DEMO_PASSWORD = "demo-password-123"

PRACTICE_TIMEZONE = "Europe/Berlin"
# The settings page's text fields. No crisis lines of its own: clients read the German
# defaults in their language.
PRACTICE_SETTINGS = {
    "address": "12 Linden Street\nSpringfield",
    "letterhead_text": "Demo Practice · Ketamine-assisted psychotherapy and brainspotting",
    "report_footer": "Confidential. Prepared for the named recipient only.",
    "crisis_country": "DE",
}

ADMIN = "admin@demo.test"
THERAPIST = "therapist@demo.test"
THERAPIST_2 = "therapist2@demo.test"
PRESCRIBER = "prescriber@demo.test"
# Unanswered safety alerts escalate to a colleague: Jonah covers for the practice.
BACKUP_CLINICIAN = THERAPIST_2


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    credentials: str = ""


# The sign-ins seed-demo prints. A client's account is made by inviting the client to
# the portal, which names it after the client's preferred name.
DEMO_ACCOUNTS = (
    DemoAccount(ADMIN, "Alex Admin", Role.ADMIN),
    DemoAccount(THERAPIST, "Dr. Maya Rivera", Role.THERAPIST, "PsyD, LMFT"),
    DemoAccount(THERAPIST_2, "Jonah Weiss", Role.THERAPIST, "LCSW"),
    DemoAccount(PRESCRIBER, "Dr. Priya Nair", Role.THERAPIST, "MD, Psychiatrist"),
    DemoAccount("client@demo.test", "Sam", Role.CLIENT),
    DemoAccount("client2@demo.test", "Lena", Role.CLIENT),
)


@dataclass(frozen=True)
class DemoClient:
    """Who the client is, whose caseload they are on, and their portal sign-in."""

    preferred_name: str
    legal_name: str
    birth: date
    pronouns: str
    therapist: str  # e-mail of the primary therapist
    portal: str | None = None  # e-mail of the portal account


@dataclass(frozen=True)
class DemoIntake:
    status: str
    course_start: date | None
    referral: str


@dataclass(frozen=True)
class DemoScreening:
    weight: str
    decision: ScreeningDecision
    flags: tuple[str, ...] = ()  # contraindications checked
    medications: str | None = None
    notes: str | None = None
    # Clearing (or not) is the decision of the prescriber on the care team: Dr. Nair
    # joins the team of every client she decides for.
    prescriber: str | None = PRESCRIBER


SAM = "Samuel Okafor"
LENA = "Magdalena Hoffmann"
ROSA = "Rosa María Delgado"
KAI = "Kai Nakamura"
DAVID = "David Levi"
AMINA = "Amina Haddad"
ELIF = "Elif Demir"

DEMO_CLIENTS = (
    DemoClient("Sam", SAM, date(1987, 4, 12), "he/him", THERAPIST, "client@demo.test"),
    DemoClient("Lena", LENA, date(1979, 11, 3), "she/her", THERAPIST_2, "client2@demo.test"),
    DemoClient("Rosa", ROSA, date(1992, 7, 21), "she/her", THERAPIST),
    DemoClient("Kai", KAI, date(1995, 2, 8), "they/them", THERAPIST),
    DemoClient("David", DAVID, date(1968, 9, 30), "he/him", THERAPIST),
    DemoClient("Amina", AMINA, date(1990, 1, 17), "she/her", THERAPIST_2),
)
# Elif's course started four weeks before the day the demo is seeded: her first
# medicine session was three days ago, so its integration session is due (planned for
# today, not yet held).
ELIF_CLIENT = DemoClient("Elif", ELIF, date(1991, 3, 14), "she/her", THERAPIST)
ELIF_COURSE_DAYS = 28

# status, course start (Amina has none yet; Elif's is counted from the day of seeding),
# referred by
INTAKES = {
    SAM: DemoIntake("active", date(2026, 9, 1), "Self-referred"),
    LENA: DemoIntake("active", date(2026, 10, 6), "Dr. Baum, psychiatrist"),
    ROSA: DemoIntake("active", date(2026, 10, 20), "Community clinic"),
    KAI: DemoIntake("paused", date(2026, 6, 15), "Former client's recommendation"),
    DAVID: DemoIntake("discharged", date(2025, 11, 1), "Self-referred"),
    AMINA: DemoIntake("active", None, "Primary care physician"),
    ELIF: DemoIntake("active", None, "Dr. Baum, psychiatrist"),
}

CONCERNS = {
    SAM: "Treatment-resistant depression since his twenties; grief after his father's "
    "death; wants to understand the silence about the civil war in his family.",
    LENA: "PTSD after a car accident; anxiety; inherited fear of scarcity from grandparents "
    "who were displaced after 1945.",
    ROSA: "Chronic anxiety and body tension; intergenerational pattern of migration and "
    "separation.",
    KAI: "Depression with dissociative episodes; paused during a move.",
    DAVID: "Alcohol use in remission; shame carried from his parents' survivor stories.",
    AMINA: "Panic attacks since forced relocation; screening found a history of psychosis "
    "in the family to review.",
    ELIF: "Depression since her mother's death; the family never speaks of the years "
    "in exile after 1980.",
}

SERTRALINE = "Sertraline 100 mg daily"
FLAGGED = "Blood pressure 148/95 at intake; recheck after GP review."
CLEARED = ScreeningDecision.CLEARED

# Rosa's is pending: the prescriber, not (yet) on her team, is asked to review it.
SCREENINGS = {
    SAM: DemoScreening("82.0", CLEARED, medications=SERTRALINE),
    LENA: DemoScreening("64.5", CLEARED, medications=SERTRALINE),
    ROSA: DemoScreening(
        "58.0",
        ScreeningDecision.PENDING,
        ("uncontrolled_hypertension",),
        notes=FLAGGED,
        prescriber=None,
    ),
    KAI: DemoScreening("70.0", CLEARED),
    DAVID: DemoScreening("91.0", CLEARED),
    AMINA: DemoScreening(
        "61.0", ScreeningDecision.NOT_CLEARED, ("psychosis_history",), notes=FLAGGED
    ),
    ELIF: DemoScreening("63.0", CLEARED),
}

CLIENT_CONTACT = {
    "emergency_contact_name": "Next of kin on file",
    "emergency_contact_phone": "+1 555 0100",
}

# --- screening and consent ------------------------------------------------------------

SCREENING_BEFORE_COURSE = timedelta(days=14)
# A client without a course yet (Amina) was screened as if hers began on this day.
UNPLANNED_COURSE_START = date(2026, 11, 1)
# Decided when screened: a clearance holds for the practice's period (12 months).
DECIDED_AT = time(12, 0)
SCREENING_BP = (124, 78)
# The demo's dates are fixed: once a clearance would lapse within a month, the
# prescriber's yearly review is recorded on the day the demo is seeded.
YEARLY_REVIEW_AFTER_MONTHS = 11
YEARLY_REVIEW_BP = (122, 76)
YEARLY_REVIEW_NOTES = "Yearly review: nothing new."
CONSENTS = (ConsentKind.KAP_INFORMED, ConsentKind.DATA_PROCESSING, ConsentKind.PORTAL)
CONSENT_VERSION = "2026-01"

# --- sessions -------------------------------------------------------------------------

SOAP_NOTES = {
    "intake": {
        "subjective": "Describes a long, grey depression and a family in which nobody speaks "
        "about the war. Sleeps poorly; works; isolates at weekends.",
        "objective": "Soft-spoken, good eye contact, constricted affect, oriented.",
        "assessment": "Recurrent major depression, moderate; intergenerational trauma themes; "
        "suitable for KAP pending medical clearance.",
        "plan": "Medical screening with the prescriber; two preparation sessions.",
    },
    "preparation": {
        "subjective": "Nervous about losing control under the medicine; curious too.",
        "objective": "Engaged, asked good questions about the experience.",
        "assessment": "Ready for a first medicine session; resources in place.",
        "plan": "Practise the grounding breath daily; set an intention.",
    },
    "medicine": {
        "subjective": "Arrived calm; intention read aloud.",
        "objective": "Eyes shades on, music; quiet for most of the session; wept at minute 40.",
        "assessment": "Deep, safe session; material about the father surfaced.",
        "plan": "Integration session within three days; journal tonight.",
    },
    "integration": {
        "subjective": "Remembers an image of the father as a boy; feels tender rather than angry.",
        "objective": "Brighter affect; spoke freely.",
        "assessment": "Meaning-making under way; no adverse effects.",
        "plan": "Letter to an ancestor as homework; next medicine session in a week.",
    },
}
INTENTION = "To meet what my family could not speak about, with kindness."
COURSE_DAY_STARTS = time(8, 0)  # UTC

# The dose, 15 minutes in after the checklist; the discharge 5 minutes before the end.
DOSE_AFTER = timedelta(minutes=15)
LOT_NUMBER = "KX-2291"
SITTER = "R. Ortega, RN"
DISCHARGE_BEFORE_END = timedelta(minutes=5)
LEFT_WITH = "Partner, by car"
SIGNED_AFTER_END = timedelta(minutes=30)

# Sam's nausea in his third medicine session: treated and resolved.
NAUSEA_AFTER_START = timedelta(minutes=50)
NAUSEA = {
    "event_type": "nausea_vomiting",
    "severity": "mild",
    "action_taken": "Ondansetron 4 mg orally disintegrating, by the prescriber's "
    "standing order; sips of water; eyeshade off for a few minutes.",
    "outcome": "resolved",
    "outcome_note": "Settled within 20 minutes; the journey continued.",
    "prescriber_informed": True,
    "description": "Nausea about 35 minutes after the dose, no vomiting.",
}

BRAINSPOT = {
    "issue": "Fear of scarcity held in the chest",
    "method": "inside_window",
    "eye": "both",
    "z": "mid",
    "reflexes": "blink, swallow",
    "body_location": "chest",
    "biolateral_sound": "nature sounds",
}
SPOT_MINUTES_AFTER_DOSE = 30


@dataclass(frozen=True)
class DemoSpot:
    spot_type: str
    x: int
    y: int
    suds_start: int
    suds_end: int


@dataclass(frozen=True)
class DemoSession:
    day_offset: int  # days after the course start
    phase: str
    modality: str
    minutes: int = 60
    dose_mg: str | None = None
    route: str = "im"
    # Readings as charted, "minute: systolic/diastolic heart-rate SpO2", comma-separated.
    vitals: str = ""
    spots: tuple[DemoSpot, ...] = ()
    signed: bool = True
    override_reason: str = ""  # the prescriber's, for a dose given despite a finding
    adverse_event: bool = False  # ``NAUSEA``


SAM_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(5, "preparation", "kap"),
    DemoSession(12, "preparation", "kap"),
    DemoSession(
        19,
        "medicine",
        "kap",
        150,
        "60",
        vitals="0: 128/82 72 98, 30: 136/86 84 97, 90: 124/80 70 98",
    ),
    DemoSession(21, "integration", "kap"),
    DemoSession(  # above the hold line at ten minutes: dosed on the prescriber's word
        26,
        "medicine",
        "kap",
        150,
        "70",
        vitals="0: 138/86 80 98, 10: 146/92 84 98, 45: 134/84 78 97",
        override_reason="146/92 at ten minutes while anxious, 138/86 on arrival; "
        "reviewed in person and agreed to dose.",
    ),
    DemoSession(29, "integration", "kap"),
    DemoSession(  # fully monitored: every 15 minutes, the 40-minute re-check, discharge
        40,
        "medicine",
        "kap",
        165,
        "80",
        vitals="5: 126/80 70 99, 30: 134/84 82 98, 45: 138/86 84 97, 55: 132/84 80 98, "
        "70: 128/82 76 98, 85: 126/80 74 98, 100: 124/80 72 99, 115: 122/78 70 99, "
        "130: 120/78 68 99, 145: 120/76 68 99",
        adverse_event=True,
    ),
    DemoSession(55, "integration", "kap", signed=False),
)

LENA_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(7, "preparation", "kabsp", spots=(DemoSpot("resource", 1, 0, 2, 1),)),
    DemoSession(  # 150 minutes: two hours' observation after the dose before she goes home
        14,
        "medicine",
        "kabsp",
        150,
        "200",
        "sublingual",
        vitals="0: 118/76 66 99, 30: 126/80 74 98",
        spots=(DemoSpot("activation", -2, 1, 8, 4), DemoSpot("resource", 1, 0, 3, 1)),
    ),
    DemoSession(16, "integration", "kabsp", spots=(DemoSpot("activation", -2, 1, 6, 3),)),
    DemoSession(
        28,
        "medicine",
        "kabsp",
        120,
        "250",
        "sublingual",
        vitals="0: 120/78 70 99",
        spots=(DemoSpot("activation", -2, 1, 7, 2),),
        signed=False,
    ),
)

KAI_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(10, "preparation", "kap"),
    DemoSession(17, "medicine", "kap", 150, "55", vitals="0: 122/78 68 98, 100: 120/76 66 98"),
)

DEMO_COURSES = {SAM: SAM_COURSE, LENA: LENA_COURSE, KAI: KAI_COURSE}

ELIF_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(10, "preparation", "kap"),
    DemoSession(
        ELIF_COURSE_DAYS - 3,
        "medicine",
        "kap",
        150,
        "50",
        vitals="0: 124/80 74 98, 30: 130/84 80 97, 45: 128/82 78 98, 60: 126/80 72 98, "
        "90: 122/78 70 98, 120: 120/78 68 99, 140: 118/76 66 99",
    ),
)

# --- goals, homework, journal ---------------------------------------------------------

# title, domain, why it matters, baseline, target, weekly ratings (every second one the
# client's own)
DemoGoal = tuple[str, str, str, int, int, tuple[int, ...]]
DEMO_GOALS: dict[str, tuple[DemoGoal, ...]] = {
    SAM: (
        (
            "Speak with my mother about my father's war years",
            "family_patterns",
            "The silence in our family feels heavy; I want my children to grow up without it.",
            2,
            7,
            (3, 3, 4, 5, 6),
        ),
        (
            "Feel at home in my body in the evenings",
            "body",
            "Evenings are when the tightness in my chest gets worse.",
            3,
            8,
            (3, 4, 4, 6),
        ),
    ),
    LENA: (
        (
            "Drive on the motorway again",
            "behaviour_change",
            "Since the accident I take side roads everywhere.",
            1,
            7,
            (1, 2, 4),
        ),
        (
            "Loosen the fear of never having enough",
            "family_patterns",
            "My grandmother's hunger years still decide my shopping.",
            3,
            7,
            (3, 4),
        ),
    ),
}
CLIENT_RATING_COMMENT = "A little lighter this week."

# library title, goal (index), recurrence, weekdays, start and due (days from today)
DEMO_HOMEWORK = {
    SAM: (
        ("A letter to an ancestor", 0, "once", (), -20, 6),
        ("Slow breath: longer out than in", 1, "daily", (), -21, None),
        ("Noticing inherited beliefs", 0, "weekly", (0, 3), -28, None),
    ),
    LENA: (
        ("Grounding with the five senses", 0, "daily", (), -14, None),
        ("Family-pattern map", 1, "once", (), -10, -3),
    ),
}
# Clients whose homework thinned out over the last two weeks (below 50 %).
HARD_FORTNIGHT = frozenset({SAM})
HOMEWORK_DONE_AT = time(20, 0)  # UTC

DEMO_REFLECTIONS = (
    "Easier than yesterday. I noticed my shoulders drop at the end.",
    "Hard to start, but I stayed with it for the whole five minutes.",
    "Thought of my grandfather while doing it.",
    None,
)

# title, body, visibility, days ago
DEMO_JOURNAL = (
    (
        "After the session",
        "I keep seeing the image of the boy by the river. I think it is my "
        "father. I want to talk about it next time.",
        "shared",
        2,
    ),
    (
        "Just for me",
        "Some things I am not ready to say out loud yet. Writing them here is enough for now.",
        "private",
        1,
    ),
)

# --- outcome measures -----------------------------------------------------------------

# (instrument, day after course start, total): Sam improves reliably on every measure;
# Lena's scores move within the measurement error (no reliable change). Answered in
# the portal.
DEMO_MEASURES = {
    SAM: (
        ("phq9", -7, 17),
        ("phq9", 21, 14),
        ("phq9", 28, 10),
        ("phq9", 42, 7),
        ("gad7", -7, 13),
        ("gad7", 28, 9),
        ("gad7", 42, 7),
        ("pcl5", -7, 48),
        ("pcl5", 28, 40),
        ("pcl5", 42, 31),
    ),
    LENA: (
        ("phq9", -5, 12),
        ("phq9", 16, 11),
        ("phq9", 30, 13),
        ("gad7", -5, 15),
        ("gad7", 30, 14),
        ("pcl5", -5, 45),
        ("pcl5", 30, 41),
    ),
}
PHQ9_DIFFICULTY = 1  # the extra question: somewhat difficult

# PHQ-9 two days after each medicine session; GAD-7 fortnightly; PCL-5 every four weeks.
DEMO_MEASURE_SCHEDULES = (
    ("phq9", "after_medicine", 2),
    ("gad7", "every_n_days", 14),
    ("pcl5", "every_n_days", 28),
)

# --- family history -------------------------------------------------------------------

# Sam's family: the Nigerian civil war (1967-1970) took his paternal grandfather and
# drove the family from their town; his parents later emigrated. Nobody spoke of it.
SAM_SEX = "male"
SAM_FAMILY = (
    # key, label, sex, born, died, conditions, name
    ("pgf", "paternal grandfather", "male", 1925, 1968, "", "Chukwuma"),
    ("pgm", "paternal grandmother", "female", 1930, 2005, "depression", "Adaeze"),
    ("mgf", "maternal grandfather", "male", 1928, 1994, "addiction", "Obinna"),
    ("mgm", "maternal grandmother", "female", 1932, None, "", "Chioma"),
    ("aunt", "paternal aunt", "female", 1952, None, "anxiety", "Ifeoma"),
    ("father", "father", "male", 1955, 2019, "depression,trauma", "Emeka"),
    ("mother", "mother", "female", 1958, None, "", "Ngozi"),
    ("brother", "brother", "male", 1984, None, "", "Chidi"),
    ("partner", "partner", "female", 1989, None, "", "Amara"),
    ("daughter", "daughter", "female", 2016, None, "", "Zara"),
)
SAM_PARENTS = (
    ("pgf", "father"),
    ("pgm", "father"),
    ("pgf", "aunt"),
    ("pgm", "aunt"),
    ("mgf", "mother"),
    ("mgm", "mother"),
    ("father", "client"),
    ("mother", "client"),
    ("father", "brother"),
    ("mother", "brother"),
    ("client", "daughter"),
    ("partner", "daughter"),
)
SAM_PARTNERSHIPS = (
    # a, b, kind, start, end
    ("pgf", "pgm", "married", 1950, None),
    ("mgf", "mgm", "married", 1955, None),
    ("father", "mother", "divorced", 1982, 2001),
    ("client", "partner", "cohabiting", 2014, None),
)
SAM_RELATIONSHIPS = (
    ("father", "client", "distant"),
    ("mgm", "client", "close"),
    ("father", "mother", "conflict"),
    ("pgm", "father", "fused"),
)
SAM_EVENTS = (
    # kind, person key (or branch), start, end, spoken, description
    ("war", "pgf", 1967, 1970, "no", "Conscripted; killed in 1968."),
    ("displacement", "pgm", 1968, 1970, "no", "Fled with the children to her sister's village."),
    ("early_parent_loss", "father", 1968, None, "no", "Lost his father at thirteen."),
    ("poverty", "paternal", 1968, 1972, "partly", "Hunger during and after the blockade."),
    ("migration", "father", 1986, None, "yes", "Emigrated with Ngozi for work."),
    ("faith", "pgm", None, None, "yes", "Her church community carried the family."),
    ("protective_relationship", "client", 1995, None, "yes", "Close to his maternal grandmother."),
)
# Sam's family-patterns goal links to the war and to his father.
SAM_GOAL_LINKS = (("event", "war"), ("member", "father"))

# --- Today: the therapist's day, relative to the day the demo is seeded ---------------

# Elif's GAD-7 two days after each medicine session: the one after her first is overdue.
ELIF_SCHEDULE = ("gad7", "after_medicine", 2)
# On the phone yesterday she answered the PHQ-9 with the therapist, item 9 at 1: the
# alert, raised three hours ago, waits for someone on her care team.
ELIF_PHQ9_TOTAL = 11
ELIF_PHQ9_ITEM_9 = 1  # thoughts of harm: several days
ELIF_ALERT_AGE = timedelta(hours=3)

# Rosa's preparation session two days ago: its note is still a draft.
ROSA_DRAFT_DAYS_AGO = 2
ROSA_DRAFT_AT = time(10, 0)

# Planned: client, days from today, local time, minutes, phase (all KAP, in person).
DEMO_PLANS = (
    (ELIF, 0, time(16, 0), 60, "integration"),
    (ROSA, 2, time(11, 0), 60, "preparation"),
    (SAM, 6, time(9, 0), 165, "medicine"),
)
