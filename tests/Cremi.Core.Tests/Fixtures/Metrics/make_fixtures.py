#!/usr/bin/python3
"""Reference values for Cremi.Core.Metrics and Cremi.Core.Postprocessing, made with Debian 12's scipy 1.10.

Run with Debian's interpreter (apt-get install python3-scipy): /usr/bin/python3 make_fixtures.py
It writes, next to itself, fixtures.json (shapes, sampling, scalar results) and gzip'd little-endian C-order arrays:
  *.u8.gz   uint8 masks (0/1) or label codes (0 = background, 254 = ignore, 1..253 = cleft id)
  *.f64.gz  float64 distances from scipy.ndimage.distance_transform_edt
  *.i32.gz  int32 labels from scipy.ndimage.label
Output is deterministic (fixed seeds, gzip mtime 0).
"""
import gzip
import json
import os

import numpy as np
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
BACKGROUND = 0xFFFFFFFFFFFFFFFF
IGNORE = 0xFFFFFFFFFFFFFFFE


def save(name, array):
    with open(os.path.join(HERE, name), "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(np.ascontiguousarray(array).tobytes())
    return name


def blobs(rng, shape, density, smooth):
    """Random blobs: smoothed noise thresholded at the quantile that gives `density` true voxels."""
    noise = ndimage.gaussian_filter(rng.random(shape), smooth)
    return noise > np.quantile(noise, 1 - density)


def sheets(shape, sampling, planes):
    """Cleft-like sheets: voxels within half a thickness of a plane n·p = d (p in nm), inside a disc around a centre."""
    z, y, x = np.meshgrid(*[np.arange(n) * s for n, s in zip(shape, sampling)], indexing="ij")
    codes = np.zeros(shape, np.uint8)
    for cid, (normal, centre, radius, thickness) in enumerate(planes, start=1):
        n = np.asarray(normal, float) / np.linalg.norm(normal)
        dz, dy, dx = z - centre[0], y - centre[1], x - centre[2]
        along = dz * n[0] + dy * n[1] + dx * n[2]
        across = np.sqrt(np.maximum(dz ** 2 + dy ** 2 + dx ** 2 - along ** 2, 0))
        codes[(np.abs(along) <= thickness / 2) & (across <= radius)] = cid
    return codes


def labels_of(codes):
    """The uint64 CREMI labels a code volume stands for."""
    out = codes.astype(np.uint64)
    out[codes == 0] = BACKGROUND
    out[codes == 254] = IGNORE
    return out


class Clefts:
    """cremi_python's cremi/evaluation/Clefts.py (HEAD, commit 6207b83 "do not use masked clefts for evaluation"),
    transcribed line for line; only CremiFile volumes are replaced by (array, resolution)."""

    def __init__(self, test, truth, resolution):
        self.truth_clefts_invalid = truth == 0xfffffffffffffffe
        self.test_clefts_mask = np.logical_or(test == 0xffffffffffffffff, self.truth_clefts_invalid)
        self.truth_clefts_mask = np.logical_or(truth == 0xffffffffffffffff, self.truth_clefts_invalid)
        self.test_clefts_edt = ndimage.distance_transform_edt(self.test_clefts_mask, sampling=resolution)
        self.truth_clefts_edt = ndimage.distance_transform_edt(self.truth_clefts_mask, sampling=resolution)

    def count_false_positives(self, threshold=200):
        mask1 = np.invert(self.test_clefts_mask)
        mask2 = self.truth_clefts_edt > threshold
        false_positives = self.truth_clefts_edt[np.logical_and(mask1, mask2)]
        return false_positives.size

    def count_false_negatives(self, threshold=200):
        mask1 = np.invert(self.truth_clefts_mask)
        mask2 = self.test_clefts_edt > threshold
        false_negatives = self.test_clefts_edt[np.logical_and(mask1, mask2)]
        return false_negatives.size

    def acc_false_positives(self):
        mask = np.invert(self.test_clefts_mask)
        false_positives = self.truth_clefts_edt[mask]
        return {'mean': np.mean(false_positives), 'count': false_positives.size}

    def acc_false_negatives(self):
        mask = np.invert(self.truth_clefts_mask)
        false_negatives = self.test_clefts_edt[mask]
        return {'mean': np.mean(false_negatives), 'count': false_negatives.size}


def voxel_metrics(truth, test):
    """Voxel-wise counts over non-ignored voxels (sklearn's confusion_matrix on the flattened binary masks)."""
    scored = truth != IGNORE
    t = (truth != BACKGROUND) & scored
    p = (test != BACKGROUND) & scored
    tp = int(np.sum(t & p)); fp = int(np.sum(~t & p)); fn = int(np.sum(t & ~p)); tn = int(np.sum(~t & ~p & scored))
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / (tp + fp + fn + tn),
            "precision": tp / (tp + fp), "recall": tp / (tp + fn), "f1": 2 * tp / (2 * tp + fp + fn),
            "iou": tp / (tp + fp + fn), "ignored": int(np.sum(~scored))}


def metric_case(name, truth_codes, test_codes, sampling, threshold=200):
    truth, test = labels_of(truth_codes), labels_of(test_codes)
    c = Clefts(test, truth, sampling)
    fps, fns = c.acc_false_positives(), c.acc_false_negatives()
    expected = voxel_metrics(truth, test)
    expected.update({"adf": float(fps["mean"]), "adgt": float(fns["mean"]), "predicted": fps["count"],
                     "true": fns["count"], "fp_count": c.count_false_positives(threshold),
                     "fn_count": c.count_false_negatives(threshold)})
    expected["cremi_score"] = (expected["adf"] + expected["adgt"]) / 2
    # cremi.org/metrics: "the F1-score of the FPs and FNs"; precision and recall as each side's share within range.
    precision = (expected["predicted"] - expected["fp_count"]) / expected["predicted"]
    recall = (expected["true"] - expected["fn_count"]) / expected["true"]
    expected["cremi_f1"] = 2 * precision * recall / (precision + recall)
    assert expected["fp_count"] < expected["predicted"] and expected["fn_count"] < expected["true"], name
    return {"name": name, "shape": list(truth.shape), "sampling": list(sampling), "threshold": threshold,
            "truth": save(name + ".truth.u8.gz", truth_codes), "prediction": save(name + ".pred.u8.gz", test_codes),
            "expected": expected}


def edt_case(name, mask, sampling):
    return {"name": name, "shape": list(mask.shape), "sampling": list(sampling),
            "mask": save(name + ".mask.u8.gz", mask.astype(np.uint8)),
            "edt": save(name + ".edt.f64.gz", ndimage.distance_transform_edt(mask, sampling=sampling))}


def label_case(name, mask, low=None, high=None, probabilities=None):
    case = {"name": name, "shape": list(mask.shape), "mask": save(name + ".mask.u8.gz", mask.astype(np.uint8))}
    for rank, conn in ((1, 6), (2, 18), (3, 26)):
        labels, count = ndimage.label(mask, structure=ndimage.generate_binary_structure(3, rank))
        case[f"labels{conn}"] = save(f"{name}.cc{conn}.i32.gz", labels.astype(np.int32))
        case[f"count{conn}"] = int(count)
    return case


def hysteresis_case(name, probabilities, low, high):
    """Components (26-connected) of p >= low that hold a voxel p >= high, as skimage's apply_hysteresis_threshold."""
    labels, _ = ndimage.label(probabilities >= low, structure=np.ones((3, 3, 3), bool))
    keep = np.unique(labels[probabilities >= high])
    kept = np.isin(labels, keep[keep > 0])
    return {"name": name, "shape": list(probabilities.shape), "low": low, "high": high,
            "probabilities": save(name + ".prob.u8.gz", probabilities),
            "expected": save(name + ".kept.u8.gz", kept.astype(np.uint8)), "kept": int(kept.sum())}


def main():
    rng = np.random.default_rng(20240604)
    fixtures = {"edt": [], "metrics": [], "labels": [], "hysteresis": []}

    # Distance transforms: dense blobs, sparse targets with odd sampling, a single target far from most voxels.
    fixtures["edt"].append(edt_case("edt_blobs", ~blobs(rng, (7, 33, 29), 0.2, 1.5), (40, 4, 4)))
    fixtures["edt"].append(edt_case("edt_sparse", rng.random((6, 20, 24)) > 0.01, (30, 8, 6)))
    single = np.ones((5, 9, 11), bool)
    single[4, 0, 10] = False
    fixtures["edt"].append(edt_case("edt_single", single, (40, 4, 4)))

    # Metrics. Shifted, partly missed sheets with a stray blob, in a volume wide enough for distances over 200 nm.
    shape, res = (9, 96, 96), (40, 4, 4)
    truth = sheets(shape, res, [((0, 1, 0.3), (160, 90, 100), 90, 8), ((1, 0.2, 1), (200, 200, 160), 70, 10),
                                ((0, 0.2, 1), (80, 340, 40), 50, 8)])
    test = sheets(shape, res, [((0, 1, 0.25), (160, 100, 104), 100, 12), ((1, 0.2, 1), (160, 200, 170), 60, 10)])
    # Stray detections in the far corner, more than 200 nm from every true cleft.
    stray = blobs(rng, shape, 0.03, 1.0)
    stray[:, :48, :] = False
    stray[:, :, :64] = False
    test[stray & (test == 0)] = 9
    fixtures["metrics"].append(metric_case("metrics_sheets", truth, test, res))
    # Ignore voxels over part of a truth sheet and part of the prediction.
    ignored = truth.copy()
    ignored[:, 45:66, 20:50] = 254
    fixtures["metrics"].append(metric_case("metrics_ignore", ignored, test, res))
    # Odd sampling, small volume, random blobs on both sides.
    small, odd = (7, 33, 29), (30, 8, 6)
    t = np.where(blobs(rng, small, 0.05, 1.2), 3, 0).astype(np.uint8)
    p = np.where(blobs(rng, small, 0.04, 1.2), 7, 0).astype(np.uint8)
    fixtures["metrics"].append(metric_case("metrics_odd", t, p, odd, threshold=50))

    # Connected components, 6/18/26: noisy blobs (many diagonal contacts) and sheets.
    fixtures["labels"].append(label_case("cc_blobs", blobs(rng, (7, 33, 29), 0.3, 0.7)))
    fixtures["labels"].append(label_case("cc_noise", rng.random((6, 17, 19)) > 0.75))
    fixtures["labels"].append(label_case("cc_sheets", truth[:, ::2, ::2] > 0))

    prob = (ndimage.gaussian_filter(rng.random((7, 33, 29)), 1.0) * 255)
    prob = np.clip((prob - prob.min()) / (prob.max() - prob.min()) * 255, 0, 255).astype(np.uint8)
    fixtures["hysteresis"].append(hysteresis_case("hyst_blobs", prob, 140, 200))

    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
