"""The German web UI: server-rendered pages over the same policy, audit trail and code
paths as the API (``web.routes``, ``web.mailroom``, ``web.admin``), with browser sessions
instead of bearer tokens."""
