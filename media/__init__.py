"""Adapters for the archive's media (photographs, historical print, audio, video)."""
