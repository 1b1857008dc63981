"""Presidio's phone recognizer, without parsing candidates too short to be a number.

python-phonenumbers' matcher takes every run of digits as a candidate and
parses it once per region; in narratives most candidates are times, counts
and house numbers ("1430", "42", "3"), and parsing them made this the most
costly recognizer after the NER. At Presidio's leniency (a valid number) a
number has at least as many digits as the shortest national number of its
country: for a number written without "+", the region's own (4 in Germany,
10 in the US); with "+" or an international prefix, a country code and a
national number (6 at the least, Austria's). A shorter candidate cannot
match, so the matcher skips it by its own `min_candidate_length` (a
candidate has at least as many characters as digits). The matches are
Presidio's; only the region named in the explanation is the number's own.
"""
from functools import cache

import phonenumbers
from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import PhoneRecognizer


def _shortest(metadata) -> int:
    return min(metadata.general_desc.possible_length or [1])


@cache
def _shortest_international() -> int:
    """The fewest digits of a country code and a valid national number, over every country."""
    return min(len(str(code)) + _shortest(metadata)
               for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items() for region in regions
               if (metadata := PhoneMetadata.metadata_for_region(region) if region != "001"
                   else PhoneMetadata.metadata_for_nongeo_region(code)) is not None)


def shortest_valid_number(region: str) -> int:
    """The fewest digits a valid number found with `region` as the default can have."""
    return min(_shortest(PhoneMetadata.metadata_for_region(region)), _shortest_international())


class PrefilteredPhoneRecognizer(PhoneRecognizer):
    def __init__(self, context=None, supported_language: str = "en", supported_entity: str = "PHONE_NUMBER",
                 supported_regions=PhoneRecognizer.DEFAULT_SUPPORTED_REGIONS, leniency: int = 1,
                 name: str | None = None):
        unknown = [r for r in supported_regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions: {', '.join(unknown)}")
        super().__init__(context=context, supported_language=supported_language, supported_entity=supported_entity,
                         supported_regions=tuple(supported_regions), leniency=leniency,
                         name=name or type(self).__name__)
        # below VALID, a merely possible number counts, and local-only lengths are shorter
        strict = self.leniency >= Leniency.VALID
        self._shortest = {r: shortest_valid_number(r) if strict else 1 for r in self.supported_regions}

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for region in self.supported_regions:
            for match in PhoneNumberMatcher(text, region, leniency=self.leniency,
                                            min_candidate_length=self._shortest[region]):
                results.append(self._get_recognizer_result(
                    match, text, phonenumbers.region_code_for_number(match.number), nlp_artifacts))
        return EntityRecognizer.remove_duplicates(results)
