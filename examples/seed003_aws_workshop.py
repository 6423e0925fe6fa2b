"""Seed 003: the AWS deep-learning workshop's "predict with a pretrained model", with
``import core as mx`` and the offline EfficientNet-Lite0 in place of ResNet-152.

    python examples/seed003_aws_workshop.py [PICTURE ...]    # default: the bundled samples
    python examples/seed003_aws_workshop.py --quick          # the same (it is quick)

The workshop reads pictures with OpenCV, whose arrays are BGR, resizes them to 224x224
and swaps the axes to (3, 224, 224). ``ImageClassifier.predict_topk`` is told the order
with ``color="BGR"``; read as RGB the same array would be a different picture. Then the
workshop's own Module code (bind for inference, set_params, forward a Batch) runs on the
same checkpoint and agrees.
"""
import argparse
import sys
from collections import namedtuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import core as mx  # noqa: E402
from core.zoo.preprocess import prepare  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
Batch = namedtuple("Batch", ["data"])


def imread_bgr(path):
    """``cv2.imread(path)``: an (H, W, 3) uint8 array in BGR order (OpenCV when installed)."""
    try:
        import cv2
    except ImportError:
        with Image.open(path) as picture:
            return np.ascontiguousarray(np.asarray(picture.convert("RGB"))[:, :, ::-1])
    return cv2.imread(str(path))


def get_image(path):
    # workshop: img = cv2.imread(fname); img = cv2.resize(img, (224, 224))
    #           img = np.swapaxes(img, 0, 2); img = np.swapaxes(img, 1, 2)
    img = imread_bgr(path)
    img = np.asarray(Image.fromarray(img).resize((224, 224), Image.BILINEAR))
    img = np.swapaxes(img, 0, 2)
    return np.swapaxes(img, 1, 2)                    # (3, 224, 224), still BGR


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pictures", nargs="*", default=sorted(SAMPLES.iterdir()))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)

    classifier = mx.pretrained_model.load_model("efficientnet-lite0")
    # workshop: sym, arg_params, aux_params = mx.model.load_checkpoint('resnet-152', 0)
    sym, arg_params, aux_params = mx.pretrained_model.load_checkpoint("efficientnet-lite0")
    mod = mx.mod.Module(symbol=sym, context=mx.cpu(), label_names=None)
    mod.bind(for_training=False, data_shapes=[("data", (1, 3, 224, 224))])
    mod.set_params(arg_params, aux_params, allow_missing=True)

    best = 0.0
    for path in args.pictures:
        img = get_image(path)
        top = classifier.predict_topk(img, k=5, color="BGR")[0]
        misread = classifier.predict_topk(img, k=1)[0][0]          # the BGR array taken for RGB
        # the workshop's Module code, on the picture prepared as the model expects (RGB, normalised)
        rgb = np.ascontiguousarray(np.moveaxis(img, 0, -1)[:, :, ::-1])
        mod.forward(Batch([mx.nd.array(prepare(rgb, classifier.preprocess, classifier.input_size)[None])]))
        prob = np.squeeze(mod.get_outputs()[0].asnumpy())
        agree = int(np.argmax(prob)) == top[0].index
        print(f"{Path(path).name}: " + ", ".join(f"{p.label} {p.probability:.3f}" for p in top[:3])
              + f"   (read as RGB: {misread.label}; Module agrees: {agree})")
        best = max(best, top[0].probability)
    print(f"top-1 probability: {best:.4f}")


if __name__ == "__main__":
    main()
