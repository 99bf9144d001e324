"""No immigration data: free text that records immigration or citizenship status or place of
birth is stopped before it is stored (RCW 10.93.160), without false alarms on ordinary school
words."""

from __future__ import annotations

import pytest

from sro_tui.policy import (
    RequestFacts,
    Severity,
    can_save,
    check_request,
    find_immigration_content,
)

# (text, the phrase that must be found, what it records)
AUTHORITIES = "contact with federal immigration authorities"
CAUGHT = [
    ("Officer asked whether he is a citizen.", "whether he is a citizen", "citizenship status"),
    ("Is he a U.S. citizen?", "U.S. citizen", "citizenship status"),
    ("Mom said she is not a citizen", "is not a citizen", "citizenship status"),
    ("Student is a Mexican citizen.", "Mexican citizen", "citizenship status"),
    ("asked about his citizenship", "his citizenship", "citizenship status"),
    ("asked for proof of citizenship", "proof of citizenship", "citizenship status"),
    ("The family are non-citizens", "are non-citizens", "citizenship status"),
    ("What is his nationality?", "nationality", "citizenship status"),
    ("He was born in Mexico.", "born in Mexico", "place of birth"),
    ("She was born in Seattle", "born in Seattle", "place of birth"),
    ("says he was born abroad", "born abroad", "place of birth"),
    ("Place of birth: Guatemala", "Place of birth", "place of birth"),
    ("Place of birth:", "Place of birth", "place of birth"),
    ("asked about his country of origin", "country of origin", "place of birth"),
    ("asked where she was born", "where she was born", "place of birth"),
    ("What country is your family from?", "What country is your family from", "place of birth"),
    ("Dad is undocumented.", "Dad is undocumented", "immigration status"),
    ("an undocumented immigrant", "undocumented immigrant", "immigration status"),
    ("called him an illegal alien", "illegal alien", "immigration status"),
    ("His mom has a green card.", "green card", "immigration status"),
    ("asked about his visa status", "his visa status", "immigration status"),
    ("she is here on a student visa", "on a student visa", "immigration status"),
    ("He is a DACA recipient", "DACA", "immigration status"),
    ("his uncle was deported last year", "deported", "immigration status"),
    ("The family is seeking asylum.", "asylum", "immigration status"),
    ("Officer asked for his papers.", "asked for his papers", "immigration status"),
    ("Student said they don't have papers", "don't have papers", "immigration status"),
    ("Student said they don’t have papers", "don’t have papers", "immigration status"),
    ("asked about her immigration status", "her immigration status", "immigration status"),
    ("ICE came to the front office", "ICE came", AUTHORITIES),
    ("The SRO called ICE.", "called ICE", AUTHORITIES),
    ("ICE", "ICE", AUTHORITIES),
    ("an ice agent was outside", "ice agent", AUTHORITIES),
    ("Border Patrol asked about him", "Border Patrol", AUTHORITIES),
    ("Es indocumentado.", "indocumentado", "immigration status"),
    ("La familia está sin papeles", "sin papeles", "immigration status"),
    ("preguntó por su CIUDADANÍA", "CIUDADANÍA", "citizenship status"),
    ("Nació en Honduras", "Nació en Honduras", "place of birth"),
    ("lugar de nacimiento: México", "lugar de nacimiento", "place of birth"),
    ("Officer asked if he had a passport", "asked if he had a passport", "citizenship status"),
    ("The student is a legal permanent resident", "legal permanent resident", "immigration status"),
    ("UNDOCUMENTED IMMIGRANT", "UNDOCUMENTED IMMIGRANT", "immigration status"),
]

ALLOWED = [
    "He was born in March.",
    "born in May, so he is the youngest in class",
    "She was born in 2010.",
    "born on 3/4/2011",
    "born in the spring",
    "Nació en 2011.",
    "Nació en marzo.",
    "Citizenship class was cancelled.",
    "He won the good citizenship award last year.",
    "Lesson on digital citizenship in the library.",
    "She was citizen of the month in September.",
    "He is a good citizen and a helpful classmate.",
    "senior citizens volunteer at lunch",
    "Nurse gave him an ice pack.",
    "There was ice on the sidewalk by the gym.",
    "PUT ICE ON THE BRUISE AND CALL HOME",
    "That was nice of him.",
    "Mom paid with a Visa card.",
    "He forgot his papers for the field trip.",
    "The teacher graded his papers.",
    "moved from the yellow card to the green card on the behavior chart",
    "The absence was undocumented in the attendance system.",
    "Immigrant Heritage Month assembly",
    "Deportment has improved this term.",
    "Migrant education program staff were present.",
    "Student was nervous about a test.",
    "Ms. Born in Room 5 called the office.",
    "He slipped and was hurt by ice near the portable.",
    "Proof of legal residence for enrollment was on file.",
    "Passport to Reading program",
    "He said his papers were stolen.",
    "",
]


@pytest.mark.parametrize(("text", "phrase", "reason"), CAUGHT)
def test_immigration_content_is_caught(text, phrase, reason):
    matches = find_immigration_content(text)
    assert [(m.phrase, m.reason) for m in matches] == [(phrase, reason)]
    start, end = matches[0].span
    assert text[start:end] == phrase


@pytest.mark.parametrize("text", ALLOWED)
def test_ordinary_school_words_are_not_false_alarms(text):
    assert find_immigration_content(text) == []


def test_spans_point_into_the_original_text_even_after_accents():
    text = "Según él, la mamá nació en El Salvador y es indocumentada."
    matches = find_immigration_content(text)
    assert [text[m.span[0] : m.span[1]] for m in matches] == ["nació en El", "indocumentada"]


def test_spans_stay_right_when_folding_changes_the_length_of_the_text():
    # "ß" folds to two letters and a combining accent to none.
    text = "Straße 5: mamá said he nacio\u0301 en Oaxaca"
    [match] = find_immigration_content(text)
    assert match.phrase == "nacio\u0301 en Oaxaca"
    assert text[match.span[0] : match.span[1]] == match.phrase


def test_several_matches_come_in_order_of_position():
    text = "Asked where he was born, whether he has a green card, and called ICE."
    phrases = [m.phrase for m in find_immigration_content(text)]
    assert phrases == ["where he was born", "green card", "called ICE"]


def test_a_request_with_immigration_content_cannot_be_saved_and_cites_the_law():
    facts = RequestFacts(
        facts="Student fought in the hallway; officer asked whether he is a citizen.",
        free_text={"notes": "Mom said the family is from Guatemala, born in Guatemala City."},
    )
    findings = [f for f in check_request(facts) if f.check_id == "immigration.free_text"]
    assert {f.field for f in findings} == {"facts", "free_text.notes"}
    for finding in findings:
        assert finding.severity is Severity.BLOCK
        assert "RCW 10.93.160" in finding.citation
        assert "will not inquire into or collect information" in finding.message
    assert not can_save(findings, {"immigration.free_text": "needed it"})


def test_immigration_words_in_the_on_premises_reason_are_caught():
    from sro_tui.policy import LawEnforcementActivity

    facts = RequestFacts(
        law_enforcement=[
            LawEnforcementActivity(
                kind="interview", on_premises=True, why_on_premises="ICE agents were waiting"
            )
        ]
    )
    fields = {f.field for f in check_request(facts) if f.check_id == "immigration.free_text"}
    assert fields == {"law_enforcement[0].why_on_premises"}
