"""One feed line: the bytes a recipient receives, and the bytes the ledger hashes."""
import json


def feed_line(obj) -> str:
    """Compact JSON, non-ASCII as it is; no NaN or Infinity, which would make the
    line something no JSON reader takes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
