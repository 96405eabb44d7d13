#!/usr/bin/env python3
"""Raw tensors from LiteRT for smp-infer's interpreter-level check (`examples/compare_raw.rs`).

Runs both npm model files in LiteRT's interpreter (`pip install ai-edge-litert numpy pillow`;
its XNNPACK delegate implements MediaPipe's Convolution2DTransposeBias) on a photo scaled to
each model's input, and writes the input and outputs as raw little-endian float32 files:

    python infer/reference/raw_tensors.py --models DIR --photo PHOTO.jpg --out /tmp/raw
    cargo run -p smp-infer --release --example compare_raw -- \
        DIR/face_detection_short_range.tflite /tmp/raw/face_in.f32 /tmp/raw/face_out0.f32 /tmp/raw/face_out1.f32
    cargo run -p smp-infer --release --example compare_raw -- \
        DIR/selfie_segmentation.tflite /tmp/raw/person_in.f32 /tmp/raw/person_out0.f32
"""

import argparse
import os

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image

MODELS = {
    "face": ("face_detection_short_range.tflite", lambda rgb: rgb / 127.5 - 1.0),
    "person": ("selfie_segmentation.tflite", lambda rgb: rgb / 255.0),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True)
    ap.add_argument("--photo", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for key, (name, scale) in MODELS.items():
        it = Interpreter(model_path=os.path.join(args.models, name))
        it.allocate_tensors()
        detail = it.get_input_details()[0]
        _, h, w, _ = detail["shape"]
        rgb = np.asarray(Image.open(args.photo).convert("RGB").resize((w, h), Image.BILINEAR), dtype=np.float32)
        x = scale(rgb)[None].astype(np.float32)
        it.set_tensor(detail["index"], x)
        it.invoke()
        x.tofile(os.path.join(args.out, f"{key}_in.f32"))
        for i, d in enumerate(it.get_output_details()):
            out = it.get_tensor(d["index"]).astype(np.float32)
            out.tofile(os.path.join(args.out, f"{key}_out{i}.f32"))
            print(f"{key} output {i} {d['name']} {list(d['shape'])}")


if __name__ == "__main__":
    main()
