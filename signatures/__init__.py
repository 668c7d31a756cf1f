"""Signature validation with pyHanko: PAdES in PDFs, CAdES (.p7s/.p7m), ETSI verdicts,
trust configuration and the German Prüfprotokoll."""
