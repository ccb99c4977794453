using Cremi.Core.Volumes;

namespace Cremi.Hdf5;

/// <summary>Everything `cremi info` shows about a file.</summary>
public sealed record CremiInfo(
    string Path,
    CremiLayoutKind Layout,
    Shape3 Shape,
    VoxelSize Resolution,
    bool ResolutionWasDefaulted,
    Offset3 Offset,
    CremiDatasets Volumes,
    IReadOnlyList<CremiDatasetInfo> Datasets,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, string> Provenance,
    CremiCleftStatistics? Clefts,
    RawIntensityWindow? RawIntensity = null,
    string? Region = null);

/// <summary>One dataset anywhere in the file (not only the CREMI volumes).</summary>
/// <param name="Path">Full path without the leading slash, e.g. "volumes/labels/neuron_ids".</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
/// <param name="DataType">NumPy-style name: uint8, uint64, float32, string, compound, ...</param>
/// <param name="Chunks">Chunk shape, or null when the dataset is contiguous or compact.</param>
/// <param name="Filters">Filter names in pipeline order (e.g. "deflate(4)"), empty when none, null when unknown.</param>
public sealed record CremiDatasetInfo(
    string Path,
    IReadOnlyList<ulong> Shape,
    string DataType,
    IReadOnlyList<ulong>? Chunks,
    IReadOnlyList<string>? Filters);

/// <summary>Counts over the cleft labels, computed slab by slab.</summary>
/// <param name="VoxelsPerCleft">Voxel count of every cleft id, ascending by id.</param>
public sealed record CremiCleftStatistics(
    long CleftVoxels,
    long IgnoreVoxels,
    long BackgroundVoxels,
    IReadOnlyDictionary<ulong, long> VoxelsPerCleft)
{
    public int DistinctCleftIds => VoxelsPerCleft.Count;
}
