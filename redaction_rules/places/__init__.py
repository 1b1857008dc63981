"""The shipped place lists, one YAML file a city (`city_places` reads them)."""
from pathlib import Path

PLACES_DIR = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem for p in PLACES_DIR.glob("*.yaml"))


def path_of(name: str) -> Path:
    return PLACES_DIR / f"{name}.yaml"
