"""Make an API key: ``python -m web.keygen NAME [GROUP ...]``.

The key goes to the terminal once, for its holder; the line for the keys file
(``EAKTE_API_KEYS_FILE``, a JSON list) holds only its SHA-256.
"""

from __future__ import annotations

import json
import sys

from web.auth import new_key


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print("Aufruf: python -m web.keygen NAME [GRUPPE ...]", file=sys.stderr)
        return 2
    key, entry = new_key(argv[0], tuple(argv[1:]))
    print(f"API-Schlüssel für {entry.name} (nur jetzt sichtbar): {key}", file=sys.stderr)
    print("Eintrag für die Schlüsseldatei:", file=sys.stderr)
    print(json.dumps(entry.model_dump(mode="json"), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
