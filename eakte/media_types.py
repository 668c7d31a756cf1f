"""Media types the stages agree on (sniffed from bytes in ``ingest.sniff``).

A photograph is the same file format as a scanned letter, but a different medium: it is
read for its metadata and looked at, not OCRed. Its media type is the image type with
the parameter ``kind=photo`` (``image/jpeg; kind=photo``), so the handler registry
picks the photo handler while the format stays visible to anyone reading the type.
"""

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
PHOTO_PARAMETER = "; kind=photo"


def photo(image_type: str) -> str:
    """The photograph's media type of an image format (``image/jpeg; kind=photo``)."""
    return image_type + PHOTO_PARAMETER


PHOTOS = frozenset(photo(image_type) for image_type in IMAGES)

# ffprobe reads far more; these are the containers filetype names and archives receive
AUDIO = frozenset(
    {
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/x-flac",
        "audio/x-wav",
        "audio/aac",
        "audio/x-aiff",
        "audio/amr",
    }
)
VIDEO = frozenset(
    {
        "video/mp4",
        "video/x-m4v",
        "video/quicktime",
        "video/x-matroska",
        "video/webm",
        "video/x-msvideo",
        "video/mpeg",
        "video/3gpp",
        "video/x-ms-wmv",
        "video/x-flv",
    }
)
AUDIOVISUAL = AUDIO | VIDEO

SUPPORTED = frozenset({PDF, CMS, EML, ZIP} | IMAGES | PHOTOS | AUDIOVISUAL)
