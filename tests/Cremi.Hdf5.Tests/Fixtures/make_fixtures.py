#!/usr/bin/python3
"""Makes the h5py interop fixtures of Cremi.Hdf5.Tests. Run with Debian's python (python3-h5py):

    /usr/bin/python3 tests/Cremi.Hdf5.Tests/Fixtures/make_fixtures.py

1. cremi_sample.hdf (+ .expected.json): a small file in the layout of the real CREMI files, written by h5py:
   chunked, gzip, `volumes/labels/neuron_ids`, an `annotations` group, clefts with known ids and ignore voxels.
2. segmentation_mask.hdf (+ .expected.json): the Python tool's mask file, dataset `data`, uint8 0/1.
3. cremi_padded_sample.hdf (+ .expected.json): CREMI's padded layout (sample_A_padded_20160501.hdf): the raw image
   larger than the labels and without an offset, the labels placed inside it by their own `offset` attribute (nm).
4. bool_clefts.hdf (+ .expected.json): cleft labels saved as a NumPy bool array, which h5py stores as an HDF5 enum
   of int8 (FALSE = 0, TRUE = 1).
5. compressed_*.hdf (+ compressed.expected.json): the same small volume under each compression filter users of h5py
   and hdf5plugin write (lzf, blosc with each codec and shuffle, lz4), and one we do not decode (bzip2), for
   the refusal. Needs Debian's python3-hdf5plugin (the .NET tests read the committed files without it).
6. element_size_um.hdf: a FIB-SEM-like export (Fiji's HDF5 plugin, vigra, ilastik) whose voxel size is the raw
   dataset's `element_size_um` attribute (z,y,x in µm) instead of CREMI's `resolution`.
7. singleton_axes.hdf (+ .expected.json): volumes with a size-1 channel axis, as ilastik exports them (raw z,y,x,c)
   and other tools write them (labels c,z,y,x), chunked and gzip-compressed.
8. big_endian.hdf: a volume stored big-endian (as some older and Java-based tools write), which PureHDF 2.2 cannot
   convert: refused with a message saying so, not as damage.
9. dotnet_written.expected.json: what h5py sees in dotnet_written.hdf, a file our CremiWriter made. The .hdf is
   (re)made first by the .NET test `DotnetWrittenFixture` (this script runs it with CREMI_HDF5_WRITE_FIXTURE set),
   then summarised here; the .NET test compares a fresh write against this summary.
The .NET tests never need Python; this script only reproduces the committed files.
"""
import hashlib
import json
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BACKGROUND = np.uint64(0xFFFFFFFFFFFFFFFF)
IGNORE = np.uint64(0xFFFFFFFFFFFFFFFE)


def sha256(array):
    """Hash of the C-order little-endian bytes: the .NET side hashes its flat arrays the same way."""
    return hashlib.sha256(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).hexdigest()


def describe(dataset):
    return {
        "path": dataset.name.lstrip("/"),
        "shape": list(dataset.shape),
        "dtype": str(dataset.dtype) if dataset.dtype.kind != "O" else "string",
        "chunks": list(dataset.chunks) if dataset.chunks else None,
        "compression": dataset.compression,
        "compression_opts": dataset.compression_opts,
    }


def make_cremi_sample():
    path = os.path.join(HERE, "cremi_sample.hdf")
    shape = (12, 40, 48)
    rng = np.random.RandomState(20261124)
    z, y, x = np.indices(shape)
    raw = ((x * 3 + y * 2 + z * 11) % 200 + rng.randint(0, 56, size=shape)).astype(np.uint8)

    clefts = np.full(shape, BACKGROUND, dtype=np.uint64)
    clefts[2:6, 5:9, 10:30] = 3
    clefts[7:11, 20:23, 4:12] = 17
    clefts[0:3, 30:38, 40:47] = np.uint64(2**40 + 5)
    clefts[9:12, 0:2, 0:48] = IGNORE          # unlabelled border, as CREMI marks it
    clefts[5, 5, 10] = IGNORE                 # one ignore voxel inside cleft 3

    neuron_ids = (np.uint64(1000) + (x // 12).astype(np.uint64) + np.uint64(10) * (y // 10).astype(np.uint64))

    with h5py.File(path, "w") as f:
        r = f.create_dataset("volumes/raw", data=raw, chunks=(4, 16, 16), compression="gzip", compression_opts=4)
        r.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        r.attrs["offset"] = np.array([400.0, 80.0, 40.0])
        c = f.create_dataset("volumes/labels/clefts", data=clefts, chunks=(4, 16, 16), compression="gzip", compression_opts=4)
        c.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        c.attrs["offset"] = np.array([400.0, 80.0, 40.0])
        n = f.create_dataset("volumes/labels/neuron_ids", data=neuron_ids, chunks=(4, 16, 16), compression="gzip")
        n.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        a = f.create_group("annotations")
        a.create_dataset("ids", data=np.array([1, 2, 3, 4], dtype=np.uint64))
        a.create_dataset("locations", data=np.array([[440.0, 108.0, 120.0], [440.0, 116.0, 120.0],
                                                     [720.0, 164.0, 72.0], [720.0, 172.0, 72.0]]))
        a.create_dataset("types", data=np.array([b"presynaptic_site", b"postsynaptic_site"] * 2, dtype=h5py.string_dtype("ascii")))
        a.create_dataset("presynaptic_site/partners", data=np.array([[1, 2], [3, 4]], dtype=np.uint64))
        a.attrs["offset"] = np.array([0.0, 0.0, 0.0])

    ids, counts = np.unique(clefts[(clefts != BACKGROUND) & (clefts != IGNORE)], return_counts=True)
    block = (slice(2, 7), slice(5, 30), slice(10, 41))
    with h5py.File(path, "r") as f:
        listing = []
        f.visititems(lambda name, obj: listing.append(describe(obj)) if isinstance(obj, h5py.Dataset) else None)
        chunk = f["volumes/raw"].id.get_chunk_info(0)
    expected = {
        "shape": list(shape),
        "resolution": [40.0, 4.0, 4.0],
        "offset": [400.0, 80.0, 40.0],
        "raw_sha256": sha256(raw),
        "clefts_sha256": sha256(clefts),
        "raw_sum": int(raw.astype(np.int64).sum()),
        "block": {"start": [2, 5, 10], "shape": [5, 25, 31],
                  "raw_sha256": sha256(raw[block]), "clefts_sha256": sha256(clefts[block])},
        "voxels_per_cleft": {str(int(i)): int(n) for i, n in zip(ids, counts)},
        "cleft_voxels": int(counts.sum()),
        "ignore_voxels": int((clefts == IGNORE).sum()),
        "background_voxels": int((clefts == BACKGROUND).sum()),
        "datasets": sorted(listing, key=lambda d: d["path"]),
        # where the first gzip chunk of volumes/raw lies, so a test can damage exactly that chunk
        "raw_first_chunk": {"byte_offset": int(chunk.byte_offset), "size": int(chunk.size)},
        "groups": sorted(["annotations", "annotations/presynaptic_site", "volumes", "volumes/labels"]),
    }
    write_json("cremi_sample.expected.json", expected)


def make_padded_sample():
    """As CREMI's padded training samples: raw 200x3072x3072 with only a resolution, labels 125x1250x1250 with
    resolution and offset (1520, 3644, 3644) nm for sample A. Here small: raw 20x64x72, labels 12x40x48 at voxel
    (4, 10, 12) of the raw."""
    path = os.path.join(HERE, "cremi_padded_sample.hdf")
    raw_shape, label_shape, start = (20, 64, 72), (12, 40, 48), (4, 10, 12)
    rng = np.random.RandomState(20261127)
    raw = rng.randint(0, 256, size=raw_shape).astype(np.uint8)
    clefts = np.full(label_shape, BACKGROUND, dtype=np.uint64)
    clefts[3:7, 8:11, 5:30] = 9
    clefts[0:2, 30:36, 40:48] = 21
    offset = np.array([start[0] * 40.0, start[1] * 4.0, start[2] * 4.0])
    with h5py.File(path, "w") as f:
        r = f.create_dataset("volumes/raw", data=raw, chunks=(4, 32, 32), compression="gzip")
        r.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        for name, data in (("volumes/labels/clefts", clefts), ("volumes/labels/neuron_ids", np.zeros(label_shape, np.uint64))):
            d = f.create_dataset(name, data=data, chunks=(4, 20, 24), compression="gzip")
            d.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
            d.attrs["offset"] = offset
    inside = tuple(slice(s, s + n) for s, n in zip(start, label_shape))
    block = (slice(1, 5), slice(6, 20), slice(3, 40))
    write_json("cremi_padded_sample.expected.json", {
        "raw_shape": list(raw_shape),
        "shape": list(label_shape),
        "start": list(start),
        "offset": offset.tolist(),
        "raw_sha256": sha256(raw[inside]),
        "clefts_sha256": sha256(clefts),
        "block": {"start": [1, 6, 3], "shape": [4, 14, 37],
                  "raw_sha256": sha256(raw[inside][block]), "clefts_sha256": sha256(clefts[block])},
        "cleft_voxels": int((clefts != BACKGROUND).sum()),
    })


def make_bool_clefts():
    path = os.path.join(HERE, "bool_clefts.hdf")
    shape = (4, 20, 24)
    mask = np.zeros(shape, dtype=bool)
    mask[1:3, 5:8, 5:15] = True
    mask[3, 12:14, 2:22] = True
    with h5py.File(path, "w") as f:
        f.create_dataset("volumes/raw", data=np.arange(np.prod(shape), dtype=np.int64).reshape(shape).astype(np.uint8))
        f.create_dataset("volumes/labels/clefts", data=mask, chunks=(2, 10, 12), compression="gzip")
    with h5py.File(path, "r") as f:
        h5type = f["volumes/labels/clefts"].id.get_type()
        kind = {h5py.h5t.ENUM: "enum"}.get(h5type.get_class(), str(h5type.get_class()))
    write_json("bool_clefts.expected.json", {
        "shape": list(shape),
        "stored_as": kind,
        "true_voxels": int(mask.sum()),
        "mask_sha256": sha256(mask.astype(np.uint8)),
    })


def make_python_tool_mask():
    """As generate.py writes it: h5py defaults (contiguous, no compression), one dataset `data`, no attributes."""
    path = os.path.join(HERE, "segmentation_mask.hdf")
    shape = (8, 32, 40)
    mask = np.zeros(shape, dtype=np.uint8)
    mask[1:4, 3:9, 5:20] = 1
    mask[6:8, 20:30, 30:40] = 1
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=mask)
    write_json("segmentation_mask.expected.json", {
        "shape": list(shape),
        "ones": int(mask.sum()),
        "zeros": int(mask.size - mask.sum()),
        "data_sha256": sha256(mask),
    })


def make_compressed_samples():
    """One file per filter pipeline, each holding the same raw (smooth tissue-like rows, plus a chunk of pure noise
    that LZF cannot shrink, so h5py stores that chunk with the optional filter skipped) and the same clefts (uint64,
    long runs of background). Chunks do not divide the shape, so edge chunks are partial; the blosc files use chunks
    large enough for several blosc blocks and a leftover one."""
    import hdf5plugin

    shape = (10, 48, 56)
    rng = np.random.RandomState(20261127)
    z, y, x = np.indices(shape)
    raw = (128 + 60 * np.sin(x / 5.0 + z) * np.cos(y / 7.0) + rng.randint(0, 8, size=shape) * (z % 3 == 0)).astype(np.uint8)
    raw[0:4, 0:32, 0:32] = rng.randint(0, 256, size=(4, 32, 32))
    clefts = np.full(shape, BACKGROUND, dtype=np.uint64)
    clefts[2:7, 10:13, 5:40] = 12
    clefts[5:10, 30:34, 20:50] = np.uint64(2**33 + 1)
    clefts[9, 0:3, :] = IGNORE

    small, large = (4, 32, 32), (5, 48, 56)
    pipelines = {
        "lzf": (small, dict(compression="lzf"), dict(compression="lzf", shuffle=True)),
        "blosc_blosclz": (large, hdf5plugin.Blosc(cname="blosclz", clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE), None),
        "blosc_lz4_bitshuffle": (large, hdf5plugin.Blosc(cname="lz4", clevel=5, shuffle=hdf5plugin.Blosc.BITSHUFFLE), None),
        "blosc_lz4hc": (large, hdf5plugin.Blosc(cname="lz4hc", clevel=9, shuffle=hdf5plugin.Blosc.SHUFFLE), None),
        "blosc_zlib": (large, hdf5plugin.Blosc(cname="zlib", clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE), None),
        "blosc_zstd": (large, hdf5plugin.Blosc(cname="zstd", clevel=5, shuffle=hdf5plugin.Blosc.NOSHUFFLE), None),
        "lz4": (small, hdf5plugin.LZ4(nbytes=4096), None),
        "bzip2": (small, hdf5plugin.BZip2(), None),
    }
    expected = {"shape": list(shape), "raw_sha256": sha256(raw), "clefts_sha256": sha256(clefts),
                "cleft_voxels": int(((clefts != BACKGROUND) & (clefts != IGNORE)).sum()), "files": {}}
    for name, (chunks, raw_filter, clefts_filter) in pipelines.items():
        path = os.path.join(HERE, f"compressed_{name}.hdf")
        with h5py.File(path, "w") as f:
            for dataset, data, options in (("volumes/raw", raw, raw_filter),
                                           ("volumes/labels/clefts", clefts, clefts_filter or raw_filter)):
                d = f.create_dataset(dataset, data=data, chunks=chunks, **options)
                d.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        with h5py.File(path, "r") as f:
            assert (f["volumes/raw"][()] == raw).all() and (f["volumes/labels/clefts"][()] == clefts).all()
            entry = expected["files"][f"compressed_{name}.hdf"] = {}
            for dataset in ("volumes/raw", "volumes/labels/clefts"):
                plist = f[dataset].id.get_create_plist()
                entry[dataset] = [int(plist.get_filter(i)[0]) for i in range(plist.get_nfilters())]
            # how many raw chunks were stored with a filter skipped (LZF's incompressible noise chunk)
            dsid = f["volumes/raw"].id
            entry["raw_chunks_with_skipped_filters"] = sum(
                1 for i in range(dsid.get_num_chunks()) if dsid.get_chunk_info(i).filter_mask != 0)

    # Shuffle + LZF on uint64 labels with a chunk of random ids that LZF cannot shrink even shuffled: that chunk is
    # stored with LZF skipped (filter mask bit 1), which PureHDF 2.2 misreads as "skip the shuffle".
    noisy = clefts.copy()
    noisy[0:4, 0:32, 0:32] = rng.randint(0, 2**63, size=(4, 32, 32), dtype=np.int64).astype(np.uint64)
    name = "compressed_lzf_shuffle_skipped.hdf"
    path = os.path.join(HERE, name)
    with h5py.File(path, "w") as f:
        for dataset, data in (("volumes/raw", raw), ("volumes/labels/clefts", noisy)):
            d = f.create_dataset(dataset, data=data, chunks=small, compression="lzf", shuffle=True)
            d.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
    with h5py.File(path, "r") as f:
        assert (f["volumes/labels/clefts"][()] == noisy).all()
        dsid = f["volumes/labels/clefts"].id
        masks = sorted({dsid.get_chunk_info(i).filter_mask for i in range(dsid.get_num_chunks())})
    expected["lzf_shuffle_skipped"] = {"file": name, "clefts_sha256": sha256(noisy), "clefts_filter_masks": masks}
    write_json("compressed.expected.json", expected)


def make_element_size_sample():
    path = os.path.join(HERE, "element_size_um.hdf")
    shape = (6, 16, 20)
    with h5py.File(path, "w") as f:
        r = f.create_dataset("volumes/raw", data=np.arange(np.prod(shape), dtype=np.int64).reshape(shape).astype(np.uint8))
        r.attrs["element_size_um"] = np.array([0.008, 0.004, 0.004], dtype=np.float32)
        f.create_dataset("volumes/labels/clefts", data=np.full(shape, BACKGROUND, dtype=np.uint64))


def make_singleton_axes_sample():
    path = os.path.join(HERE, "singleton_axes.hdf")
    shape = (6, 40, 36)
    rng = np.random.RandomState(20261128)
    raw = rng.randint(0, 256, size=shape).astype(np.uint8)
    clefts = np.full(shape, BACKGROUND, dtype=np.uint64)
    clefts[1:4, 10:14, 3:30] = 4
    with h5py.File(path, "w") as f:
        r = f.create_dataset("volumes/raw", data=raw[..., np.newaxis], chunks=(4, 16, 16, 1), compression="gzip")
        r.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        c = f.create_dataset("volumes/labels/clefts", data=clefts[np.newaxis], chunks=(1, 4, 16, 16), compression="gzip")
        c.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
    block = (slice(2, 6), slice(7, 33), slice(5, 36))
    write_json("singleton_axes.expected.json", {
        "shape": list(shape),
        "raw_sha256": sha256(raw),
        "clefts_sha256": sha256(clefts),
        "block": {"start": [2, 7, 5], "shape": [4, 26, 31],
                  "raw_sha256": sha256(raw[block]), "clefts_sha256": sha256(clefts[block])},
    })


def make_big_endian_sample():
    path = os.path.join(HERE, "big_endian.hdf")
    shape = (4, 16, 20)
    with h5py.File(path, "w") as f:
        r = f.create_dataset("volumes/raw", data=np.arange(np.prod(shape)).reshape(shape).astype(">u2"))
        r.attrs["resolution"] = np.array([40.0, 4.0, 4.0])
        f.create_dataset("volumes/labels/clefts", data=np.full(shape, BACKGROUND, dtype=np.uint64))


def summarise_dotnet_written():
    path = os.path.join(HERE, "dotnet_written.hdf")
    env = dict(os.environ, CREMI_HDF5_WRITE_FIXTURE=path)
    subprocess.run(["dotnet", "test", os.path.join(REPO, "tests", "Cremi.Hdf5.Tests"), "-c", "Release",
                    "--artifacts-path", "/tmp/art-hdf5", "--filter", "FullyQualifiedName~DotnetWrittenFixture"],
                   check=True, env=env, cwd=REPO)
    summary = {"datasets": {}, "root_attrs": {}}
    with h5py.File(path, "r") as f:
        for key, value in f.attrs.items():
            summary["root_attrs"][key] = value.decode() if isinstance(value, bytes) else str(value)
        for name in ["volumes/raw", "volumes/labels/clefts", "volumes/predictions/clefts"]:
            d = f[name]
            values = d[()]
            entry = describe(d)
            entry["sha256"] = sha256(values)
            entry["attrs"] = {k: [float(v) for v in d.attrs[k]] for k in sorted(d.attrs)}
            entry["attr_dtypes"] = {k: str(d.attrs[k].dtype) for k in sorted(d.attrs)}
            if d.dtype == np.uint64:
                entry["background_voxels"] = int((values == BACKGROUND).sum())
                entry["ignore_voxels"] = int((values == IGNORE).sum())
            summary["datasets"][name] = entry
    write_json("dotnet_written.expected.json", summary)


def write_json(name, value):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    make_cremi_sample()
    make_padded_sample()
    make_bool_clefts()
    make_python_tool_mask()
    make_compressed_samples()
    make_element_size_sample()
    make_singleton_axes_sample()
    make_big_endian_sample()
    if "--skip-dotnet" not in sys.argv:
        summarise_dotnet_written()
