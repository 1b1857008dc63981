"""feedshield's recognizers, one class a file, and the registry that names them.

No class here may share a name with one of Presidio's: Presidio's own
registry finds its predefined recognizers by class name among all
recognizer subclasses, and would pick ours up instead.

`engine.yaml` refers to recognizers by these names, the way Presidio's own
`default_recognizers.yaml` refers to its predefined ones. The record-context
recognizer is not here: it is built per record, not once per engine.
"""
from redaction_rules.recognizers.birthplace_recognizer import BirthplaceRecognizer
from redaction_rules.recognizers.digit_group_phone_recognizer import DigitGroupPhoneRecognizer
from redaction_rules.recognizers.immigration_remark_recognizer import ImmigrationRemarkRecognizer
from redaction_rules.recognizers.immigration_status_recognizer import ImmigrationStatusRecognizer
from redaction_rules.recognizers.international_address_recognizer import InternationalAddressRecognizer
from redaction_rules.recognizers.offline_email_recognizer import OfflineEmailRecognizer
from redaction_rules.recognizers.person_name_recognizer import PersonNameRecognizer
from redaction_rules.recognizers.place_name_recognizer import PlaceNameRecognizer
from redaction_rules.recognizers.nanp_phone_recognizer import NanpPhoneRecognizer
from redaction_rules.recognizers.prefiltered_phone_recognizer import PrefilteredPhoneRecognizer
from redaction_rules.recognizers.prefiltered_url_recognizer import PrefilteredUrlRecognizer
from redaction_rules.recognizers.record_context_recognizer import KEPT, RecordContextRecognizer
from redaction_rules.recognizers.street_address_recognizer import StreetAddressRecognizer

REGISTRY = {
    "BirthplaceRecognizer": BirthplaceRecognizer,
    "DigitGroupPhoneRecognizer": DigitGroupPhoneRecognizer,
    "ImmigrationRemarkRecognizer": ImmigrationRemarkRecognizer,
    "ImmigrationStatusRecognizer": ImmigrationStatusRecognizer,
    "InternationalAddressRecognizer": InternationalAddressRecognizer,
    "NanpPhoneRecognizer": NanpPhoneRecognizer,
    "OfflineEmailRecognizer": OfflineEmailRecognizer,
    "PersonNameRecognizer": PersonNameRecognizer,
    "PlaceNameRecognizer": PlaceNameRecognizer,
    "PrefilteredPhoneRecognizer": PrefilteredPhoneRecognizer,
    "PrefilteredUrlRecognizer": PrefilteredUrlRecognizer,
    "StreetAddressRecognizer": StreetAddressRecognizer,
}

__all__ = ["KEPT", "REGISTRY", "RecordContextRecognizer", *REGISTRY]
