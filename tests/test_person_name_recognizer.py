"""PersonNameRecognizer: names from the gazetteer, rare pairs, cues and titles."""
import pytest

from redaction_rules.recognizers import PersonNameRecognizer
from tests.recognizer_helpers import found


@pytest.mark.parametrize("text,name", [("DEFT LUKE AGYAPONG WAS PLACED IN CUSTODY", "LUKE AGYAPONG"),
                                       ("Police met Mrs. Warner at the door.", "Warner"),
                                       ("Then Maria Elena Lopez left.", "Maria Elena Lopez"),
                                       ("Directed By:    Johannes Varvio", "Johannes Varvio"),
                                       ("Maybe it's under Elita B Desaulniers", "Elita B Desaulniers"),
                                       ("Johanna shouted at Tiffany and left.", "Tiffany")])
def test_person_names_from_the_gazetteer(text, name):
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


@pytest.mark.parametrize("text,name", [("SPOKE WITH KOTHANDARAMAN HILTBRUNNER AT THE SCENE", "KOTHANDARAMAN HILTBRUNNER"),
                                       ("comp mai xiong stated she saw it", "mai xiong"),
                                       ("WIT ANJALI BHATTACHARYA CALLED 911", "ANJALI BHATTACHARYA")])
def test_names_of_every_origin_from_the_census_in_capitals_and_lower_case(text, name):
    """Surnames no Faker locale holds, from the 2010 Census: in capitals or in lower case, where
    two known name words are a name and no rule for rare capitalised words can see them."""
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


@pytest.mark.parametrize("text,name", [("Shri R.P. Gupta, Advocate for respondents", "R.P. Gupta"),
                                       ("Counsel Shri A.K.Nirankari for the State", "A.K.Nirankari"),
                                       ("Off. J. Smith arrived on location", "J. Smith"),
                                       ("DET R.K. JONES ARRIVED", "R.K. JONES"),
                                       ("Sri B.Vijaysen Reddy for the appellant", "B.Vijaysen Reddy")])
def test_dotted_initials_make_a_name_of_the_surname_after_them(text, name):
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


@pytest.mark.parametrize("text", ["took him to U.S. Customs at the airport", "mailed to P.O. Box 12",
                                  "fled on W. Girard toward Broad", "fled east on E. Allegheny Ave",
                                  "the I.C.E. Agents came at 5 P.M. Officers stayed"])
def test_dotted_initials_before_an_ordinary_word_or_a_street_are_no_name(text):
    assert found(PersonNameRecognizer(), text) == []


def test_person_names_need_two_words_or_a_title():
    assert found(PersonNameRecognizer(), "Will you ask the Price desk? Young people. A lone period . here") == []


def test_a_lone_first_name_must_not_be_an_ordinary_word_a_street_or_in_capitals():
    text = "Grant was given. Hope remains. Chase Bank. Derek St and Tiffany Ave. Li left."
    assert found(PersonNameRecognizer(), text) == []
    # in capitals every word looks like a name: "5TH", "DUI" and "VISA" are in some locale's list
    assert found(PersonNameRecognizer(), "WIT STATED THAT TIFFANY LEFT 5TH ST AFTER A DUI STOP") == []
    assert found(PersonNameRecognizer(), text) == []


@pytest.mark.parametrize("text,name", [("Have you been to a Ravil G Yefimov concert?", "Ravil G Yefimov"),
                                       ("Einojuhani Pyysalo lives here", "Einojuhani Pyysalo"),
                                       ("follow up with patricia desrosiers in a month", "patricia desrosiers"),
                                       ("my name is borna jerković but everyone calls me", "borna jerković"),
                                       ("sometimes people call me višeslav", "višeslav"),
                                       ("Her maiden name is Sandgreen.", "Sandgreen"),
                                       ("Name:    Nayla Montero\nAddress: 12 Elm St", "Nayla Montero"),
                                       ("The female identified herself as Ludmiła and ran", "Ludmiła")])
def test_names_no_gazetteer_holds(text, name):
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


def test_a_name_cue_takes_only_rare_or_capitalised_words_on_its_line():
    text = "call me tomorrow. my name is not important. Name:\nAddress: none. Known as the boss."
    assert found(PersonNameRecognizer(), text) == []
    # two rare capitalised words, but in capitals or lower case nothing tells a name from a code
    assert found(PersonNameRecognizer(), "RAVIL YEFIMOV ENTERED") == []
    assert found(PersonNameRecognizer(), "Frankford Ave and Kensington Avenue") == []


@pytest.mark.parametrize("text,name", [
    ("Police spoke to Garcia's brother.", "Garcia's"),
    ("She said Maria Lopez's car was gone.", "Maria Lopez's"),
    ('Deft Luis "Flaco" Ortega fled on foot.', 'Luis "Flaco" Ortega'),
    ("Mr. Black said he saw it.", "Black"),
    ("MS OYELARAN WAS HOME.", "OYELARAN"),
    ("They asked Mrs. May about it.", "May"),
])
def test_names_by_the_form_of_the_text(text, name):
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


@pytest.mark.parametrize("text,name", [("Shri Sibal has placed reliance on it", "Sibal"),
                                       ("By Advs. Smt.Soumiya C.D, for the State", "Soumiya"),
                                       ("Sri.E.Radhakrishnan for the respondents", "E.Radhakrishnan"),
                                       ("Frau Oberhuber rief an", "Oberhuber"),
                                       ("Señora Ruiz-Tagle called twice", "Ruiz-Tagle"),
                                       ("Mr. O'Brien left", "O'Brien")])
def test_an_honorific_of_any_language_before_a_name(text, name):
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


@pytest.mark.parametrize("text,name", [("deposing that her son Dharmender (PW1) was caught", "Dharmender"),
                                       ("the victim's boyfriend, Marcus Tillery, fled", "Marcus Tillery"),
                                       ("his 16-year-old cousin Tayshawn ran", "Tayshawn"),
                                       ("her son Hunter was home", "Hunter"),
                                       ("her son JAMES was home", "JAMES"),
                                       ("comp stated her son jaylen left", "jaylen"),
                                       ("a male named Juan Ortiz approached", "Juan Ortiz"),
                                       ("A MALE NAMED TYRONE FLED", "TYRONE"),
                                       ("the sister of PW1, Sri.A.Saleem, the husband", "A.Saleem")])
def test_a_relative_a_friend_or_named_introduces_a_name(text, name):
    assert ("PERSON", name) in found(PersonNameRecognizer(), text)


def test_a_relative_or_named_before_no_name_finds_nothing():
    text = "Her son stated that he saw it. Her son DOB 1/2/2001 was home. The officer named in the warrant left."
    assert found(PersonNameRecognizer(), text) == []
    assert found(PersonNameRecognizer(), "comp stated her son was home") == []


@pytest.mark.parametrize("text,names", [
    ("whereas he assaulted Premchand and Puranchand.", ["Premchand", "Puranchand"]),
    ("They were Nakul, Neha, Shruti and Ritu, all living there", ["Nakul", "Neha", "Shruti", "Ritu"]),
])
def test_rare_words_joined_by_and_are_names(text, names):
    assert {n for _, n in found(PersonNameRecognizer(), text)} == set(names)


def test_places_common_words_and_a_sentence_start_joined_by_and_are_no_names():
    text = "She moved between Kutztown and Allentown. Bought at Walmart and Target.\nPremchand and Puranchand left"
    assert found(PersonNameRecognizer(), text) == []


def test_landmarks_and_vehicles_are_no_names():
    text = "Police searched the Roosevelt Mall. He drove a Kia Optima, then a Hyundai Elantra, to Einstein Hospital."
    assert found(PersonNameRecognizer(), text) == []
    assert ("PERSON", "Kia Johnson") in found(PersonNameRecognizer(), "Kia Johnson drove off")


def test_an_honorific_before_a_place_or_an_everyday_word_is_no_name():
    assert found(PersonNameRecognizer(), "They flew to Sri Lanka in May. Shri Important said nothing.") == []


def test_a_title_before_a_common_word_or_nothing_is_no_name():
    assert found(PersonNameRecognizer(), "Ask the Mr. of the house. Mrs. the") == []
