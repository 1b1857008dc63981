"""What the recognizer tests share: a recognizer's findings as production acts on them.

`found` keeps only results that score at or above the highest
`score_threshold` of the built-in contracts: text redaction drops the rest,
so a pattern that matches but scores under it must fail its test, not pass.
"""
from redaction_rules.contract_loader import CONTRACTS_DIR, load_contract

THRESHOLD = max(loaded.contract.free_text.score_threshold for loaded in
                (load_contract(path) for path in sorted(CONTRACTS_DIR.glob("*.yaml")))
                if loaded.contract.free_text)


def found(recognizer, text, entity=None):
    """(entity, text) of each result that text redaction would act on."""
    if hasattr(recognizer, "load"):
        recognizer.load()
    results = recognizer.analyze(text, [entity] if entity else recognizer.supported_entities, None)
    return [(r.entity_type, text[r.start:r.end]) for r in results
            if (entity is None or r.entity_type == entity) and r.score >= THRESHOLD]


def scored(recognizer, text) -> list:
    """Every result, scored or not, as (entity, text, score)."""
    if hasattr(recognizer, "load"):
        recognizer.load()
    return [(r.entity_type, text[r.start:r.end], r.score)
            for r in recognizer.analyze(text, recognizer.supported_entities, None)]
