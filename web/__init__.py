"""FastAPI app for search, viewing and review. Empty until the web issue."""
