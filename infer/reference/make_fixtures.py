#!/usr/bin/env python3
"""Golden fixtures for smp-infer from MediaPipe's own runtime.

Runs MediaPipe's Python solutions (mediapipe 0.10.14: FaceDetection(model_selection=0),
SelfieSegmentation(model_selection=0)) on a few shared photos, with the model files of the npm
packages (the ones the page ships) swapped in for the wheel's own, and writes
infer/tests/fixtures/mediapipe.json: per photo, the faces (score, box and six keypoints in the
photo's pixels) and the person mask averaged over a 32x32 grid of blocks (0-255).

Usage (in a venv with mediapipe==0.10.14, numpy and pillow):

    python infer/reference/make_fixtures.py --models DIR [--photos ../shared/photos]

DIR holds face_detection_short_range.tflite and selfie_segmentation.tflite (from
@mediapipe/face_detection@0.4.1657300184 and @mediapipe/selfie_segmentation@0.1.1675465747).
Photos are decoded by Pillow as stored (no EXIF turn), as the Rust tests decode them.
"""

import argparse
import hashlib
import json
import os
import shutil
import tempfile

import numpy as np
from PIL import Image

# The photos: frontal, profile and from behind, two sizes; several faces' worth of keypoints,
# and photos where MediaPipe finds none (the Rust side must find none too).
PHOTOS = [
    "front_L4_dark_37.jpg",
    "front_L6_light_15.jpg",
    "front_bald_dark_e.jpg",
    "front_norwood6_light_glasses_b.jpg",
    "right_L6_light_30.jpg",
    "back_L7_light_5.jpg",
]
GRID = 32
MODEL_FILES = {
    "face": ("face_detection", "face_detection_short_range.tflite"),
    "person": ("selfie_segmentation", "selfie_segmentation.tflite"),
}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def with_npm_models(models_dir):
    """Points MediaPipe's resource lookup at a folder laid out like the wheel's, holding the npm
    model files, so the solutions' graphs load those instead of their own."""
    import mediapipe.python.solution_base as solution_base

    root = tempfile.mkdtemp(prefix="mp_npm_models_")
    for module, name in MODEL_FILES.values():
        dest = os.path.join(root, "mediapipe", "modules", module)
        os.makedirs(dest, exist_ok=True)
        shutil.copy(os.path.join(models_dir, name), os.path.join(dest, name))
    original = solution_base.resource_util.set_resource_dir
    solution_base.resource_util.set_resource_dir = lambda _path: original(root)
    return root


def block_means(mask, grid):
    """Mean of the mask over grid x grid blocks with edges at floor(i * size / grid)."""
    h, w = mask.shape
    ys = [i * h // grid for i in range(grid + 1)]
    xs = [j * w // grid for j in range(grid + 1)]
    return [[float(mask[ys[i]:ys[i + 1], xs[j]:xs[j + 1]].mean()) for j in range(grid)] for i in range(grid)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True, help="folder with the two npm .tflite files")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--photos", default=os.path.join(here, "..", "..", "..", "shared", "photos"))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "mediapipe.json"))
    args = ap.parse_args()

    with_npm_models(args.models)
    import mediapipe as mp

    face = mp.solutions.face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5)
    person = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)

    photos = []
    for name in PHOTOS:
        rgb = np.asarray(Image.open(os.path.join(args.photos, name)).convert("RGB"))
        h, w, _ = rgb.shape
        faces = []
        for d in face.process(rgb).detections or []:
            box = d.location_data.relative_bounding_box
            faces.append({
                "score": round(float(d.score[0]), 5),
                "box": [round(v, 2) for v in (box.xmin * w, box.ymin * h, box.width * w, box.height * h)],
                "keypoints": [[round(k.x * w, 2), round(k.y * h, 2)] for k in d.location_data.relative_keypoints],
            })
        mask = person.process(rgb).segmentation_mask
        grid = block_means(mask, GRID)
        photos.append({
            "photo": name,
            "width": w,
            "height": h,
            "faces": faces,
            "person_mean": round(float(mask.mean()), 5),
            "person_grid": [int(round(v * 255)) for row in grid for v in row],
        })
        print(f"{name}: {len(faces)} face(s){' score %.4f' % faces[0]['score'] if faces else ''}, person mean {mask.mean():.4f}")

    fixture = {
        "generator": "infer/reference/make_fixtures.py",
        "runtime": "mediapipe " + mp.__version__ + " (Python solutions, CPU)",
        "models": {
            key: {"file": name, "sha256": sha256(os.path.join(args.models, name))}
            for key, (_, name) in MODEL_FILES.items()
        },
        "person_grid_size": GRID,
        "person_grid_scale": 255,
        "photos": photos,
    }
    with open(args.out, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(args.out), os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    main()
