"""Intake: type sniffing, limits, text layers and OCR, one module per external tool."""
