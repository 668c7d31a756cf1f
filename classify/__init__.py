"""Document classification and routing (transformer encoder, heads, Aktenplan).

Empty until the classifier issue: records carry ``classification: null`` meanwhile.
"""
