"""Addresses that are not in the US form: units, boxes, streets abroad, postcodes.

A person's address abroad (where ICE would look for family) or a military
mailing address is written in forms the US street pattern does not know.
Every pattern here is anchored on a number, so ordinary words alone never
match: a unit ("Apt. 595", "Suite 501"), a box or military address
("PSC 0413, Box 8144", "APO AA 42323"), a street named by a suffix of its
language and its number ("Koskikatu 25", "Magasinsgatan 7", "Király u.
15."), a street type that leads its name ("Rua do Arenque 1634", "62 Rue
Gafsa"; the name must be capitalised, so "via medic 23" stays), a country
and its postcode ("Uruguay 64677"), a city, a state code and a ZIP
("Colorado Springs, CO 80903").
"""
import re

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from redaction_rules.recognizers.gazetteers import country_lexicon

_SUFFIXED = (r"katu|tie|kuja|polku|gatan|gata|gade|vej|vænget|vegen|veien|straße|strasse|stræti|"
             r"gasse|weg|laan|straat|plein|utca|ulica")
_HUNGARIAN = r"u\.|utca|út|tér|krt\.|körút|kapu|köz|sor"
_LEADING = (r"rue|via|viale|rua|rúa|calle|avenida|avda\.|avenue|boulevard|chemin|allée|quai|paseo|corso|piazza|"
            r"plaza|largo|travessa|praça|strada|carrer|camino|ulica|ul\.|trg")
# words that follow a name as a separate, lower-case word ("Stensås terrasse 38", "Luite tee 87");
# the suffixes above may stand as such words too
_TYPE_WORDS = r"terrasse|tee|põik|allé|plass|torg|gränd|vägen|väg"
# USPS Publication 28 street types that the US pattern leaves out, written
# capitalised after a capitalised name ("119 Countess Close", "176 Pinto Hill")
_USPS_TYPES = ("Bend|Bluff|Bluffs|Branch|Bridge|Brook|Brooks|Burg|Bypass|Camp|Canyon|Cape|Causeway|Center|"
               "Circles|Cliff|Cliffs|Close|Common|Commons|Corner|Corners|Course|Courts|Cove|Coves|Creek|"
               "Crescent|Crest|Crossing|Crossroad|Curve|Dale|Dam|Divide|Drives|Estate|Estates|Expressway|"
               "Extension|Extensions|Falls|Ferry|Fields|Flat|Flats|Ford|Fords|Forest|Forge|Forges|Fork|Forks|"
               "Freeway|Garden|Gardens|Gateway|Glen|Glens|Green|Greens|Grove|Groves|Harbor|Harbors|Haven|"
               "Heights|Hill|Hills|Hollow|Inlet|Isle|Junction|Junctions|Knoll|Knolls|Landing|Light|Lights|Loaf|"
               "Lock|Locks|Lodge|Loop|Manor|Manors|Meadow|Meadows|Mews|Mill|Mills|Motorway|Orchard|Oval|"
               "Overpass|Parks|Parkways|Pass|Passage|Path|Pine|Pines|Plain|Plains|Plaza|Points|Port|Ports|"
               "Prairie|Radial|Ramp|Ranch|Rapid|Rapids|Rest|Ridge|Ridges|Rise|Roads|Route|Run|Shoal|Shoals|"
               "Shore|Shores|Skyway|Spur|Spurs|Squares|Stravenue|Stream|Streets|Summit|Throughway|Trace|Track|"
               "Trafficway|Trail|Tunnel|Turnpike|Underpass|Union|Unions|Valley|Valleys|Viaduct|Views|Vista|"
               "Walks|Ways|Wells|Wynd")
_CAP_WORD = r"(?-i:[A-ZÀ-ÖØ-Þ])[\w'’.-]*"
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|mon|tue|wed|thu|fri|sat|sun"
           r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday")
_TITLE_WORD = r"(?-i:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])[\w'’.-]*"  # "Hlíðarvegur", never "CALLED"
_LINKER = r"(?:(?:d[aeiou]s?|de\s+la|del|della|dei|degli|delle|di|al|el|la|le|van|von|z|u)\s+|d['’])?"


_POSTCODE = re.compile(r"\b\d{4,6}\b")
_WORDS_BEFORE = re.compile(r"(?:[^\W\d_][\w'.-]*[ \t]+){1,5}$")


class InternationalAddressRecognizer(PatternRecognizer):
    COUNTRY_POSTCODE_SCORE = 0.5
    PATTERNS = [
        Pattern("unit", r"\b(?:apt|apartment|suite|ste)\.?\s*#?\s*\d{1,5}[a-z]?\b", 0.6),
        Pattern("box", r"\b(?:(?:p\.?\s*o\.?\s*)?box|psc)\s+\d{1,6}\b", 0.6),
        Pattern("military unit", r"\bunit\s+\d{3,5}\s*,?\s+box\s+\d{1,6}\b", 0.6),
        Pattern("military post", r"\b[adf]po\s+a[aep]\s+\d{5}\b", 0.7),
        # the lookahead spares trying every suffix at the end of every word
        # not followed by a number
        Pattern("street by suffix",
                rf"\b(?=\d|[^\W\d_]+\s+\d)(?:\d{{1,5}}\s+)?[^\W\d_]{{2,}}(?:{_SUFFIXED})\s+\d{{1,5}}[a-z]?\b\.?",
                0.6),
        Pattern("street by type word",
                rf"\b(?:\d{{1,5}}\s+)?{_CAP_WORD}\s+(?:{_SUFFIXED}|{_HUNGARIAN}|{_TYPE_WORDS})\s+\d{{1,5}}[a-z]?\b\.?",
                0.6),
        Pattern("number, capitalised name, street type",
                rf"\b\d{{1,5}}\s+(?:{_TITLE_WORD}\s+){{1,3}}(?-i:{_USPS_TYPES})\b", 0.6),
        Pattern("leading street type, number after",
                rf"\b(?:{_LEADING})\s+{_LINKER}(?:{_CAP_WORD}\s+){{1,4}}\d{{1,5}}[a-z]?\b", 0.6),
        Pattern("number, leading street type",
                rf"\b\d{{1,5}},?\s+(?:{_LEADING})\s+{_LINKER}{_CAP_WORD}(?:[ \t]+{_LINKER}{_CAP_WORD}){{0,4}}", 0.6),
        Pattern("number, name, number",
                rf"\b\d{{1,5}}\s+(?!{_MONTHS}\b)(?:{_TITLE_WORD}\s+){{1,3}}\d{{1,5}}[a-z]?\b\.?", 0.5),
        Pattern("corner",
                rf"\b(?:the\s+)?(?:corner|intersection)\s+of\s+(?:[\w.'’-]+\s+){{1,6}}?(?:and|&)\s+"
                rf"{_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{0,3}}", 0.6),
        Pattern("city, state, zip",
                rf"\b(?:{_CAP_WORD}[ \t]+){{0,3}}{_CAP_WORD},\s*(?-i:[A-Z]{{2}})\s+\d{{5}}(?:-\d{{4}})?\b", 0.6),
    ]

    def __init__(self, patterns: list[Pattern] | None = None, supported_language: str = "en",
                 supported_entity: str = "STREET_ADDRESS", name: str | None = None):
        super().__init__(supported_entity=supported_entity, patterns=patterns or self.PATTERNS,
                         supported_language=supported_language, name=name or type(self).__name__)
        self._countries = country_lexicon()[0]

    def _country_postcodes(self, text: str) -> list[RecognizerResult]:
        """A country and a postcode: found from the number backwards, since
        one alternation of every country name tried at every position of
        every text cost more than all the other patterns together."""
        results = []
        for code in _POSTCODE.finditer(text):
            before = _WORDS_BEFORE.search(text, max(0, code.start() - 60), code.start())
            if not before:
                continue
            words = list(re.finditer(r"\S+", before.group()))
            for k in range(len(words), 0, -1):
                if " ".join(w.group() for w in words[-k:]).lower() in self._countries:
                    start = before.start() + words[-k].start()
                    results.append(RecognizerResult(self.supported_entities[0], start, code.end(), self.COUNTRY_POSTCODE_SCORE))
                    break
        return results

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        return super().analyze(text, entities, nlp_artifacts, regex_flags) + self._country_postcodes(text)
