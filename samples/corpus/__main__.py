"""``python -m samples.corpus OUT_DIR``: see ``samples.corpus``."""

from __future__ import annotations

import sys

from samples.corpus import main

sys.exit(main())
