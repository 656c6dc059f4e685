"""Image checks with Pillow, which the vision processing image ships (see pipelines/steps/processing.py).

Every image is decoded in full once, so that a truncated or corrupt file fails the processing job (naming the
file) instead of the training job hours later.
"""

import warnings

from PIL import Image, UnidentifiedImageError

from shared.errors import InputError

# Pillow's decompression-bomb guard stays on: an image above its pixel limit is bad input, not a crash.
IMAGE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def decoded_image(path: str, formats: tuple[str, ...]) -> Image.Image:
    """The image at path, fully decoded; InputError naming path when it is unreadable or not one of formats."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path, formats=list(formats))
            try:
                image.load()
            except BaseException:
                image.close()  # else the file stays open as long as the exception lives
                raise
    except FileNotFoundError:
        raise InputError("image file not found", file=path) from None
    except (*IMAGE_ERRORS, Image.DecompressionBombWarning) as exc:
        raise InputError(f"unreadable image ({'/'.join(formats)} expected): {exc}", file=path) from None
    return image


def image_size(path: str, formats: tuple[str, ...] = ("JPEG",)) -> tuple[int, int]:
    """(width, height) of the image at path, after decoding it in full."""
    with decoded_image(path, formats) as image:
        return image.size
