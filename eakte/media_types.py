"""Media types the stages agree on (sniffed from bytes in ``ingest.sniff``)."""

PDF = "application/pdf"
PNG = "image/png"  # APNG too: its first frame is a PNG image
JPEG = "image/jpeg"
TIFF = "image/tiff"  # BigTIFF too
GIF = "image/gif"
BMP = "image/bmp"
WEBP = "image/webp"
CMS = "application/pkcs7-mime"  # .p7s (detached) and .p7m (enveloping) signatures
EML = "message/rfc822"  # an e-mail; its attachments become records of their own
ZIP = "application/zip"  # an archive; its members become records of their own

IMAGES = frozenset({PNG, JPEG, TIFF, GIF, BMP, WEBP})
SUPPORTED = frozenset({PDF, CMS, EML, ZIP} | IMAGES)
