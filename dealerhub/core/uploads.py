"""Uploaded files, checked and cleaned the same way everywhere (photos, for now)."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PHOTO_PIXELS = 40_000_000


def clean_photo(upload):
    """Check an uploaded photo by content (not its name) and size, re-encode it without
    metadata (EXIF location is personal data) and give it a generated name."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("A photo may be at most 5 MB.")})
    data = upload.read()
    not_an_image = ValidationError({"photo": _("The file is not a JPEG, PNG or WebP image.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in PHOTO_FORMATS:
            raise not_an_image
        image: Image.Image  # the file opened, then a transposed or converted copy
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ValidationError({"photo": _("The photo has too many pixels.")})
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            output = io.BytesIO()
            # Saving without exif=/pnginfo= drops every metadata block, GPS included.
            image.save(output, format=image_format)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    return SimpleUploadedFile(
        f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}", output.getvalue()
    )
