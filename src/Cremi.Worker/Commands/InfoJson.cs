using System.Text.Json;
using System.Text.Json.Serialization;
using Cremi.Hdf5;

namespace Cremi.Worker.Commands;

/// <summary>The JSON shape of `cremi info --json`: plain arrays in z,y,x order, snake_case keys.</summary>
internal sealed record InfoJson(
    string Path,
    string Layout,
    int[] Shape,
    double[] Resolution,
    bool ResolutionDefaulted,
    double[] Offset,
    IReadOnlyList<InfoJson.Dataset> Datasets,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, string> Provenance,
    InfoJson.CleftCounts? Clefts,
    string? Region)
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    internal sealed record Dataset(string Path, IReadOnlyList<ulong> Shape, string Dtype, IReadOnlyList<ulong>? Chunks,
        IReadOnlyList<string>? Filters);

    internal sealed record CleftCounts(int Count, long Voxels, long IgnoreVoxels, IReadOnlyDictionary<string, long> VoxelsPerCleft);

    public static InfoJson From(CremiInfo info) => new(
        info.Path,
        info.Layout.ToString(),
        [info.Shape.Z, info.Shape.Y, info.Shape.X],
        info.Resolution.ToArray(),
        info.ResolutionWasDefaulted,
        info.Offset.ToArray(),
        info.Datasets.Select(d => new Dataset(d.Path, d.Shape, d.DataType, d.Chunks, d.Filters)).ToList(),
        info.Groups,
        info.Provenance,
        info.Clefts is { } c
            ? new CleftCounts(c.DistinctCleftIds, c.CleftVoxels, c.IgnoreVoxels,
                c.VoxelsPerCleft.ToDictionary(p => p.Key.ToString(), p => p.Value))
            : null,
        info.Region);
}
