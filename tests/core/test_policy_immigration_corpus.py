"""The forbidden-data detector on a few hundred realistic sentences, both ways.

Policy 4311: "the SRO will not inquire into or collect information about an individual’s
immigration or citizenship status, or place of birth." Every sentence in CAUGHT records or asks
for such information and must be stopped; every sentence in ACCEPTED is an ordinary school record
that must be saved. The sentences are built from templates, each a sentence an office would write.
"""

from __future__ import annotations

from itertools import product

import pytest

from sro_tui.policy import find_immigration_content

PEOPLE = [
    "The student",
    "He",
    "She",
    "His mother",
    "Her father",
    "The family",
    "Maria",
    "The boy's uncle",
    "Both parents",
    "My son",
]
PLACES = ["Guadalajara", "Kharkiv", "Mexico", "Honduras", "Oaxaca", "Manila", "Mogadishu", "Kyiv"]
NATIONALITIES = [
    "Mexican",
    "Ukrainian",
    "Guatemalan",
    "Honduran",
    "Salvadoran",
    "Somali",
    "Vietnamese",
    "Russian",
    "Canadian",
    "Filipino",
]

# Issue 12's own phrases first.
ISSUE_CAUGHT = [
    "student is undocumented",
    "citizenship: none",
    "POB Kharkiv",
    "passport and visa",
    "whether his family has papers",
    "born in Guadalajara",
    "he is a Mexican citizen",
    "SRO asked about her immigration status; born in Guadalajara",
]
ISSUE_ACCEPTED = ["good citizenship award", "ice pack applied", "born in March 2012"]

CAUGHT = (
    ISSUE_CAUGHT
    + [f"{who} is undocumented." for who in PEOPLE]
    + [f"{who} was born in {place}." for who, place in product(PEOPLE[:5], PLACES)]
    + [f"{who} is a {nat} citizen." for who, nat in product(PEOPLE[:3], NATIONALITIES)]
    + [f"Citizenship: {value}" for value in ("none", "US", "Mexico", "unknown", "pending", "no")]
    + [f"citizenship - {value}" for value in ("none", "Ukraine", "not a citizen")]
    + [f"POB {place}" for place in PLACES]
    + [f"POB: {place}" for place in PLACES]
    + [f"Place of birth: {place}" for place in PLACES[:4]]
    + [f"Country of birth: {place}" for place in PLACES[:4]]
    + [
        f"Deputy asked {what}."
        for what in (
            "whether his family has papers",
            "whether her parents have papers",
            "if the family had papers",
            "to see his passport and visa",
            "for her passport or visa",
            "where he was born",
            "what country her family is from",
            "whether she is a citizen",
            "if his parents are citizens",
            "about their immigration status",
        )
    ]
    + [
        f"{who} {what}."
        for who, what in product(
            PEOPLE[:6],
            (
                "has a green card",
                "is here on a student visa",
                "has an expired visa",
                "was deported last year",
                "is a DACA recipient",
                "is not a U.S. citizen",
                "has no papers",
            ),
        )
    ]
    + [
        "Visa and passport copies were requested by the officer.",
        "Officer wanted his passport and visa before talking to him.",
        "He said his visa ran out in June.",
        "Her visa expired last spring.",
        "Student's family is undocumented and afraid of the police.",
        "Mom is undocumented so she did not want to come in.",
        "Status: undocumented",
        "Immigration status: pending",
        "Nationality: Ukrainian",
        "The family are refugees from Syria.",
        "Dad was detained by ICE last week.",
        "ICE agents were waiting at the bus stop.",
        "The SRO called ICE about the father.",
        "Border Patrol stopped the family on the way to school.",
        "Officer asked whether his family has papers to be here.",
        "Asked him if he had papers.",
        "La familia no tiene papeles.",
        "Es indocumentada.",
        "Nació en Guadalajara.",
        "Su lugar de nacimiento es Oaxaca.",
        "Preguntó si es ciudadano.",
        "He is an illegal immigrant.",
        "The mother is in the country illegally.",
        "Student said his father has a work visa.",
        "He has dual citizenship.",
        "She is a permanent resident.",
        "His parents are naturalized citizens.",
        "Officer asked the student for proof of citizenship.",
        "The officer asked where the family came from originally and whether they were legal.",
        "Student was born outside the United States.",
        "Was born abroad, came here at age 3.",
        "Father is a non-citizen.",
        "Asked what his country of origin is.",
        "Mother's place of birth: Oaxaca.",
        "Birthplace: Manila",
        "DOB 3/4/2011, POB Kharkiv",
    ]
)

BODY_PARTS = ["knee", "elbow", "forehead", "ankle", "wrist", "cheek", "hand", "lip"]
MONTHS = ["January", "March", "May", "July", "September", "December"]

ACCEPTED = (
    ISSUE_ACCEPTED
    + [f"Ice pack applied to his {part}." for part in BODY_PARTS]
    + [f"Nurse put ice on her {part} after the fall." for part in BODY_PARTS]
    + [
        f"{who} was born in {month} {year}."
        for who, month, year in product(PEOPLE[:4], MONTHS, (2011, 2012))
    ]  # fmt: skip
    + [f"{who} won the good citizenship award." for who in PEOPLE]
    + [f"{who} is a good citizen in class." for who in PEOPLE[:5]]
    + [f"Citizenship: {grade}" for grade in ("A", "B+", "S", "Satisfactory", "Excellent")]
    + [
        f"{who} {what}."
        for who, what in product(
            PEOPLE[:5],
            (
                "left the permission papers in his locker",
                "turned in the field trip papers late",
                "slipped on ice near the bus loop",
                "was chosen citizen of the month",
                "went to the digital citizenship lesson",
                "forgot the signed papers for the trip",
                "has a Passport to Reading card",
            ),
        )
    ]
    + [
        "The absence was undocumented.",
        "Undocumented absence on Tuesday; office called home.",
        "Immigrant Heritage Month assembly in the gym.",
        "Senior citizens volunteer in the library on Fridays.",
        "Visa gift card found in the hallway and turned in.",
        "Ms. Born in Room 5 asked for help with a fight.",
        "He was born on 3/4/2011.",
        "The student was born in 2010 and is in grade 10.",
        "Nació en marzo de 2012.",
        "Teacher graded papers while students worked.",
        "Papers were scattered on the floor after the fight.",
        "Nice work by the staff in calming things down.",
        "The family lives on Ice House Road.",
        "Dad works for the Border Collie rescue.",
        "Students practised for the civics quiz in citizenship class.",
        "Student ran out of the cafeteria; SRO followed at a distance.",
        "Dress code conversation with the assistant principal.",
        "He said he would bring his papers for the science fair.",
        "Student asked if she had her papers for the field trip signed.",
        "Immigrant stories unit in English 10.",
        "Global citizenship club met at lunch.",
        "Officer gave a talk on responsible citizenship.",
        "Student uses an ice pack for a sprained ankle daily.",
        "ICE PACK APPLIED TO THE FOREHEAD.",
        "Passport photo day for the exchange club was moved.",
        "Student was born premature and uses an inhaler.",
        "Mail returned; new address POB 4412, Port Townsend.",
        "Legal guardian signed the release form for the counselor.",
        "Asked whether the student is of legal age to sign: he is 17.",
        "He said he would turn his papers in tomorrow.",
        "Grandmother asked if he had papers due for English.",
        "Her Visa card was declined at the book fair.",
        "Lost Visa debit card handed in at the gym office.",
    ]
)


def test_the_corpus_is_a_few_hundred_sentences_each_way():
    assert len(set(CAUGHT)) >= 200 and len(set(ACCEPTED)) >= 100


@pytest.mark.parametrize("text", sorted(set(CAUGHT)))
def test_forbidden_content_is_caught(text):
    assert find_immigration_content(text), text


@pytest.mark.parametrize("text", sorted(set(ACCEPTED)))
def test_ordinary_school_text_is_accepted(text):
    assert find_immigration_content(text) == [], text
