"""Media types the stages agree on (sniffed from bytes in ``ingest.sniff``)."""

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
CMS = "application/pkcs7-mime"  # .p7s (detached) and .p7m (enveloping) signatures
EML = "message/rfc822"  # an e-mail; its attachments become records of their own

SUPPORTED = frozenset({PDF, PNG, JPEG, TIFF, CMS, EML})
