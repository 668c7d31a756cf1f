"""HTTP API over the store and index: search, manifests, originals, Prüfprotokolle.

``web.app.create_app`` builds it from settings; ``web.server.run_server`` serves it.
"""
