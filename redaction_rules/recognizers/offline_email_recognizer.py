"""Presidio's email recognizer, without its run-time download.

Presidio validates the domain with `tldextract.extract`, whose default
extractor fetches the public suffix list from the internet on first use.
This subclass validates against the snapshot bundled with tldextract, so
nothing reaches the network while a feed is made.
"""
import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

_OFFLINE = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    def __init__(self, patterns=None, context=None, supported_language: str = "en",
                 supported_entity: str = "EMAIL_ADDRESS", name: str | None = None):
        super().__init__(patterns=patterns, context=context, supported_language=supported_language,
                         supported_entity=supported_entity, name=name or type(self).__name__)

    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE(pattern_text).fqdn != ""
