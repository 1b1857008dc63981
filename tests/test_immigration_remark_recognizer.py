"""ImmigrationRemarkRecognizer: its keyword prefilter changes no match."""

from redaction_rules.recognizers import ImmigrationRemarkRecognizer


def test_the_remark_prefilter_changes_no_match():
    """Every remark pattern holds a keyword: the recognizer finds what its patterns alone find."""
    from presidio_analyzer import PatternRecognizer
    import fixtures
    ours = ImmigrationRemarkRecognizer()
    plain = PatternRecognizer(supported_entity="IMMIGRATION_STATUS", patterns=ImmigrationRemarkRecognizer.PATTERNS)
    texts = [r["narrative"] for r, _ in fixtures.generate(300, seed=31) if r.get("narrative")]
    texts += [f"Deft stated that {p} per his statement." for p in (
        "an I-247 detainer", "FORM I-130", "his i-94", "was DEPORTED", "a prior removal", "illegal re-entry",
        "removed from the United States", "immigration court", "ICE agents", "la migra", "Border Patrol",
        "threatened to call immigration", "called ICE", "no papers", "sin papeles", "crossed the border",
        "self-deported", "N-400", "DS-160", "EOIR-26", "crossed over illegally", "no immigration documents")]
    spans = lambda r, t: sorted((x.start, x.end, x.score) for x in r.analyze(t, ["IMMIGRATION_STATUS"], None))  # noqa: E731
    assert sum(bool(spans(plain, t)) for t in texts) >= 22
    assert [spans(ours, t) for t in texts] == [spans(plain, t) for t in texts]
