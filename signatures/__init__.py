"""Signature validation with pyHanko: verdicts and Prüfprotokolle.

Empty until the signatures issue: records carry ``signature: null`` meanwhile.
"""
