"""core.image: decoding every kind of picture into RGB, clear errors for bad files, and the
resize / crop / normalise steps, on the bundled sample photos and images made here."""
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import DataError
from core.image import (Preprocess, array_to_rgb, center_crop, load_image, prepare, preprocess,
                        preprocess_batch, resize, resize_short, to_chw_batch, to_grayscale)

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


# ---------------------------------------------------------------- the bundled photos

@pytest.mark.parametrize("name, shape", [("chelsea.png", (300, 451, 3)),
                                         ("coffee.png", (400, 600, 3)),
                                         ("rocket.jpg", (427, 640, 3))])
def test_sample_photos_decode_to_rgb(name, shape):
    img = load_image(SAMPLES / name)
    assert img.shape == shape and img.dtype == np.uint8
    assert 40 < img.mean() < 220 and img.std() > 20       # a real photo, not a blank


def test_every_kind_of_source_gives_the_same_pixels():
    path = SAMPLES / "chelsea.png"
    from_path = load_image(path)
    np.testing.assert_array_equal(load_image(str(path)), from_path)
    np.testing.assert_array_equal(load_image(path.read_bytes()), from_path)
    with Image.open(path) as pil:
        np.testing.assert_array_equal(load_image(pil), from_path)
    np.testing.assert_array_equal(load_image(from_path), from_path)


# ---------------------------------------------------------------- modes and orientation

def _two_colour(left, right, size=(40, 20)):
    img = Image.new("RGB", size, left)
    img.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return img


def test_exif_orientation_is_applied(tmp_path):
    # stored 40 wide x 20 high, red left / blue right; orientation 6 = "rotate 90 CW to view"
    exif = Image.Exif()
    exif[0x0112] = 6
    _two_colour(RED, BLUE).save(tmp_path / "rotated.jpg", quality=95, exif=exif)
    img = load_image(tmp_path / "rotated.jpg")
    assert img.shape == (40, 20, 3)
    assert np.abs(img[5, 10].astype(int) - RED).max() < 30       # left side is now on top
    assert np.abs(img[35, 10].astype(int) - BLUE).max() < 30


def test_palette_with_a_transparent_index_becomes_white(tmp_path):
    img = Image.new("P", (8, 8), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (0, 0, 4, 8))
    img.save(tmp_path / "palette.png", transparency=0)
    rgb = load_image(tmp_path / "palette.png")
    assert tuple(rgb[0, 0]) == RED and tuple(rgb[0, 7]) == WHITE     # not black


def test_palette_without_transparency_keeps_its_colours(tmp_path):
    img = Image.new("P", (4, 4), 1)
    img.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    img.save(tmp_path / "palette.gif")
    assert tuple(load_image(tmp_path / "palette.gif")[2, 2]) == (10, 200, 30)


def test_rgba_and_la_are_composited_over_white(tmp_path):
    Image.new("RGBA", (4, 4), (255, 0, 0, 128)).save(tmp_path / "rgba.png")
    assert tuple(load_image(tmp_path / "rgba.png")[0, 0]) == (255, 127, 127)
    Image.new("LA", (4, 4), (0, 0)).save(tmp_path / "la.png")
    assert tuple(load_image(tmp_path / "la.png")[0, 0]) == WHITE     # fully transparent
    opaque = np.zeros((2, 2, 4), np.uint8)
    opaque[..., 3] = 255
    assert load_image(opaque).max() == 0


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg", quality=95)
    img = load_image(tmp_path / "cmyk.jpg")
    assert img.shape == (16, 16, 3)
    assert np.abs(img[8, 8].astype(int) - RED).max() < 10


def test_16_bit_png_is_scaled_not_clipped(tmp_path):
    values = np.array([[0, 257 * 128, 65535]], dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / "deep.png")
    with Image.open(tmp_path / "deep.png") as opened:
        assert opened.mode.startswith("I")                 # really stored as 16-bit
    img = load_image(tmp_path / "deep.png")
    assert img[0, :, 0].tolist() == [0, 128, 255] and (img[..., 0] == img[..., 2]).all()


def test_grey_and_black_and_white_become_three_equal_channels(tmp_path):
    Image.new("L", (5, 3), 77).save(tmp_path / "grey.png")
    Image.new("1", (5, 3), 1).save(tmp_path / "bw.png")
    assert load_image(tmp_path / "grey.png").shape == (3, 5, 3)
    assert set(load_image(tmp_path / "grey.png").ravel()) == {77}
    assert set(load_image(tmp_path / "bw.png").ravel()) == {255}


def test_numpy_arrays_of_other_types():
    assert array_to_rgb(np.full((2, 2), 0.5, np.float32))[0, 0].tolist() == [128] * 3
    assert array_to_rgb(np.full((2, 2, 3), 200.0))[0, 0].tolist() == [200] * 3
    assert array_to_rgb(np.array([[0, 255]]))[0, 1].tolist() == [255] * 3   # int64 8-bit values
    assert array_to_rgb(np.array([[65535]], np.uint16))[0, 0].tolist() == [255] * 3
    assert array_to_rgb(np.ones((2, 2, 1), bool)).shape == (2, 2, 3)
    with pytest.raises(DataError, match=r"shape \(2, 2, 5\)"):
        load_image(np.zeros((2, 2, 5), np.uint8))


# ---------------------------------------------------------------- bad files

def test_truncated_jpeg_is_reported_as_truncated(tmp_path):
    data = (SAMPLES / "rocket.jpg").read_bytes()
    (tmp_path / "half.jpg").write_bytes(data[:len(data) // 2])
    with pytest.raises(DataError, match=r"half\.jpg: file is truncated or corrupt"):
        load_image(tmp_path / "half.jpg")


def test_text_file_empty_file_and_missing_file(tmp_path):
    (tmp_path / "notes.jpg").write_text("these are not pixels\n")
    with pytest.raises(DataError, match=r"notes\.jpg: not an image"):
        load_image(tmp_path / "notes.jpg")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(DataError, match=r"empty\.png: not an image"):
        load_image(tmp_path / "empty.png")
    with pytest.raises(DataError, match=r"missing\.png: file not found"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(DataError, match="is a folder"):
        load_image(tmp_path)
    with pytest.raises(DataError, match="from a int"):
        load_image(42)


def _png_header_claiming(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)      # 8-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(width + 1))) + chunk(b"IEND", b""))


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_claiming(20000, 20000))
    assert path.stat().st_size < 200                          # 400 Mpx claimed by 157 bytes
    started = time.perf_counter()
    with pytest.raises(DataError, match=r"bomb\.png: image too large: 20000x20000 pixels, "
                                        r"limit is 89,478,485 pixels"):
        load_image(path)
    assert time.perf_counter() - started < 1.0


def test_pixel_limit_is_ours_to_choose():
    with pytest.raises(DataError, match="image too large: 451x300 pixels, limit is 100,000"):
        load_image(SAMPLES / "chelsea.png", max_pixels=100_000)
    with Image.open(SAMPLES / "chelsea.png") as pil:
        with pytest.raises(DataError, match="PIL image: image too large"):
            load_image(pil, max_pixels=100_000)


# ---------------------------------------------------------------- geometry

def test_resize_short_keeps_aspect_with_mxnet_rounding():
    assert resize_short(np.zeros((300, 451, 3), np.uint8), 256).shape == (256, 384, 3)
    assert resize_short(np.zeros((640, 427, 3), np.uint8), 256).shape == (383, 256, 3)


def test_center_crop_takes_the_middle():
    img = np.zeros((10, 20, 3), np.uint8)
    img[3:7, 8:12] = 255
    crop = center_crop(img, (4, 4))
    assert crop.shape == (4, 4, 3) and crop.min() == 255
    assert center_crop(img, (6, 4)).shape == (4, 6, 3)


def test_center_crop_bigger_than_the_image_scales_up_its_middle():
    img = np.zeros((10, 20, 3), np.uint8)
    assert center_crop(img, (30, 30)).shape == (30, 30, 3)


def test_plain_resize_and_its_errors():
    img = load_image(SAMPLES / "rocket.jpg")
    out = resize(img, (224, 100))
    assert out.shape == (100, 224, 3) and out.dtype == np.uint8
    assert abs(float(out.mean()) - float(img.mean())) < 3      # antialiased, same brightness
    with pytest.raises(DataError, match="unknown interpolation 'cubic'"):
        resize(img, (10, 10), "cubic")
    with pytest.raises(DataError, match="size must be"):
        resize(img, (0, 10))


def test_to_grayscale_pads_to_square_and_inverts_for_fashion_mnist():
    photo = np.full((60, 30, 3), 255, np.uint8)           # a dark tall garment on white
    photo[10:50, 5:25] = 40
    grey = to_grayscale(photo, (28, 28), invert=True)
    assert grey.shape == (28, 28) and grey.dtype == np.uint8
    assert grey[0, 0] == 0 and grey[:, 0].max() == 0      # background became black
    assert grey[14, 14] > 200                             # the garment became light
    assert to_grayscale(photo, (28, 28))[0, 0] == 255


def test_to_chw_batch_normalises_per_channel():
    img = np.zeros((2, 3, 3), np.uint8)
    img[..., 0], img[..., 1], img[..., 2] = 255, 127, 0
    batch = to_chw_batch([img, img], mean=(127, 127, 127), std=128)
    assert batch.shape == (2, 3, 2, 3) and batch.dtype == np.float32
    assert batch.flags.c_contiguous
    np.testing.assert_allclose(batch[1, :, 0, 0], [1.0, 0.0, -127 / 128])
    grey = to_chw_batch([np.full((4, 4), 255, np.uint8)], 0.0, 1.0, scale=1 / 255)
    assert grey.shape == (1, 1, 4, 4) and np.allclose(grey, 1.0)
    with pytest.raises(DataError, match=r"image 1 has shape"):
        to_chw_batch([img, np.zeros((5, 5, 3), np.uint8)])
    with pytest.raises(DataError, match="mean has 2 values for 3-channel"):
        to_chw_batch([img], mean=(1, 2))


# ---------------------------------------------------------------- a model's preprocessing

def test_efficientnet_preprocessing_of_the_sample_photo():
    spec = Preprocess.from_dict({"color": "RGB", "mode": "short-side-crop", "resize": 256,
                                 "crop": 224, "scale": 1.0, "mean": [127.0] * 3,
                                 "std": [128.0] * 3})
    img = load_image(SAMPLES / "coffee.png")
    x = preprocess(img, spec)
    assert x.shape == (3, 224, 224) and x.dtype == np.float32
    assert -1.0 <= x.min() and x.max() <= 1.0
    # the same steps by hand
    expected = (center_crop(resize_short(img, 256), (224, 224)).astype(np.float32) - 127) / 128
    np.testing.assert_allclose(x, expected.transpose(2, 0, 1))


def test_bgr_plain_resize_and_registry_input_size():
    spec = Preprocess.from_dict({"color": "BGR", "mode": "resize", "crop": None,
                                 "mean": [0, 0, 0], "std": [1, 1, 1]}, input_size=(3, 224, 200))
    assert spec.size == (200, 224)
    img = np.zeros((50, 80, 3), np.uint8)
    img[..., 0] = 255                                     # pure red
    picture = prepare(img, spec)
    assert picture.shape == (224, 200, 3) and picture[0, 0].tolist() == [0, 0, 255]


def test_fashion_mnist_grey_spec_from_a_photo_file():
    spec = Preprocess.from_dict({"color": "L", "mode": "resize", "scale": 1 / 255, "mean": [0.0],
                                 "std": [1.0], "invert": True}, input_size=(1, 28, 28))
    batch = preprocess_batch([SAMPLES / "chelsea.png", SAMPLES / "rocket.jpg"], spec)
    assert batch.shape == (2, 1, 28, 28) and 0.0 <= batch.min() and batch.max() <= 1.0


def test_bad_specs_are_refused():
    with pytest.raises(DataError, match="unknown preprocessing mode 'zoom'"):
        Preprocess(mode="zoom")
    with pytest.raises(DataError, match="unknown colour"):
        Preprocess(color="HSV")
    with pytest.raises(DataError, match=r"unknown preprocessing keys \['gamma'\]"):
        Preprocess.from_dict({"gamma": 2})
    assert Preprocess(mode="plain").mode == "resize" and Preprocess(color="gray").color == "L"
    spec = Preprocess(size=(224, 224), mean=127, std=128)
    assert Preprocess.from_dict({k: v for k, v in spec.to_dict().items()}) == spec
