#!/usr/bin/python3
"""Makes the OpenCV reference fixtures for the Cremi.Core.Preprocessing tests.

Run with Debian 12's python3-opencv (OpenCV 4.6.0, numpy 1.24), not a pyenv python:
    /usr/bin/python3 make_fixtures.py
Every file is `<name>.bin`: five little-endian int32 (dtype code, z, y, x, 0) then the C-order data.
Dtype codes: 1 = uint8, 4 = float32. The inputs are deterministic (fixed seed), so re-running gives identical files.
"""
import os
import numpy as np
import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
Z, Y, X = 4, 53, 77  # odd sizes, divisible by no tile count used below


def save(name, array):
    code = {np.dtype(np.uint8): 1, np.dtype(np.float32): 4}[array.dtype]
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(np.array([code, *array.shape, 0], dtype="<i4").tobytes())
        f.write(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())


def em_like(rng, lo, hi):
    """Smooth blobs (cells), dark thin lines (membranes) and noise, scaled into lo..hi."""
    yy, xx = np.mgrid[0:Y, 0:X].astype(np.float64)
    img = np.zeros((Y, X))
    for _ in range(12):
        cy, cx, r = rng.uniform(0, Y), rng.uniform(0, X), rng.uniform(5, 18)
        img += rng.uniform(0.3, 1.0) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    for _ in range(6):
        a, b, c = rng.normal(size=3)
        img -= 0.8 * np.exp(-np.abs(a * (yy - Y / 2) + b * (xx - X / 2) + c * 10) ** 2 / 4)
    img += rng.normal(0, 0.08, img.shape)
    img = (img - img.min()) / (img.max() - img.min())
    return np.clip(lo + img * (hi - lo), 0, 255).astype(np.uint8)


def volume():
    rng = np.random.default_rng(20261124)
    vol = np.zeros((Z, Y, X), np.uint8)
    vol[0] = em_like(rng, 10, 245)
    vol[1] = 120  # flat section
    vol[2] = em_like(rng, 30, 220)
    vol[2, 8:46, 4:45] = 0  # zero region: blur == 0 in its interior (0/0 in the seed's division)
    vol[2, 26, 24] = 120  # a lone mid-grey pixel in it: eq > 0 but blur == 0 (x/0)
    vol[3] = em_like(rng, 90, 140)  # low contrast
    return vol


def per_section(vol, fn):
    return np.stack([fn(s) for s in vol])


def seed(vol):
    """The seed's pipeline; numpy's NaN/inf from a zero blur replaced as Cremi.Core documents (0/0 -> 0, x/0 -> max)."""
    out = []
    for s in vol:
        eq = cv2.equalizeHist(s)
        blur = cv2.GaussianBlur(eq, (21, 21), 21)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = eq.astype(np.float64) / blur
        finite = np.isfinite(r)
        r[(blur == 0) & (eq == 0)] = 0
        r[(blur == 0) & (eq > 0)] = r[finite].max() if finite.any() else 0
        mn, mx = r.min(), r.max()
        u8 = np.zeros_like(eq) if mx == mn else ((r - mn) / (mx - mn) * 255).astype(np.uint8)
        out.append(cv2.equalizeHist(u8))
    v = np.stack(out).astype(np.float64)
    return ((v - v.min()) / (v.max() - v.min())).astype(np.float32)


def main():
    vol = volume()
    save("input", vol)
    save("equalize", per_section(vol, cv2.equalizeHist))
    for clip, tx, ty in ((2.0, 8, 8), (3.0, 3, 8), (40.0, 5, 4), (0.0, 8, 8)):
        clahe = cv2.createCLAHE(clipLimit=clip, tileGridSize=(tx, ty))
        save(f"clahe_{clip:g}_{tx}x{ty}", per_section(vol, clahe.apply))
    crop = vol[:, :48, :72]  # divisible by 8x8: the path without padding
    save("clahe_2_8x8_crop", per_section(crop, cv2.createCLAHE(2.0, (8, 8)).apply))
    for k, sigma in ((21, 21.0), (5, 1.5), (7, 0.0), (15, 0.0)):
        save(f"blur_{k}_{sigma:g}", per_section(vol, lambda s: cv2.GaussianBlur(s, (k, k), sigma)))
    for block, c, kind, tag in ((11, 2.0, cv2.THRESH_BINARY, ""), (5, -3.0, cv2.THRESH_BINARY_INV, "_inv"),
                                (3, 0.5, cv2.THRESH_BINARY, ""), (21, 1.5, cv2.THRESH_BINARY_INV, "_inv")):
        fn = lambda s: cv2.adaptiveThreshold(s, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, kind, block, c)
        save(f"athresh_{block}_{c:g}{tag}", per_section(vol, fn))
    save("seed", seed(vol))
    # In-plane resampling (InPlaneResampling): INTER_LINEAR to enlarge, INTER_AREA to shrink, on float32 sections.
    floats = vol.astype(np.float32)
    for name, (h, w), interpolation in (("resize_up_2x", (2 * Y, 2 * X), cv2.INTER_LINEAR),
                                        ("resize_up_1.6x", (85, 123), cv2.INTER_LINEAR),
                                        ("resize_down_2x", (Y // 2, X // 2), cv2.INTER_AREA),
                                        ("resize_down_1.5x", (35, 51), cv2.INTER_AREA)):
        save(name, np.stack([cv2.resize(s, (w, h), interpolation=interpolation) for s in floats]))


if __name__ == "__main__":
    main()
