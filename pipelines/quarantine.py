"""What a quarantined element looks like, wherever in the pipeline it is withheld.

Quarantine files are personal data (they hold the record that failed), so
they go to an owner-only folder; the reasons in them name fields, not values.
"""
QUARANTINE = "quarantine"


def quarantined(element: dict, stage: str, reasons: list[str]) -> dict:
    record = element.get("record") or {}
    return {"src": element["src"], "stage": stage, "record_id": record.get("record_id"),
            "reasons": reasons, "output": element.get("output")}
