using Cremi.Core.Volumes;

namespace Cremi.Hdf5;

/// <summary>
/// What <see cref="CremiWriter.Write"/> puts in a file. The volumes share one shape; resolution and offset come from
/// the first volume present and the others must agree. Provenance entries become string attributes of the root
/// group (e.g. tool, version, created, command, model).
/// </summary>
public sealed record CremiContent
{
    public Volume<byte>? Raw { get; init; }

    /// <summary>uint64 cleft ids, background <see cref="CleftLabel.Background"/>.</summary>
    public Volume<ulong>? Clefts { get; init; }

    /// <summary>Cleft probabilities scaled to 0..255.</summary>
    public Volume<byte>? Predictions { get; init; }

    public IReadOnlyDictionary<string, string> Provenance { get; init; } = new Dictionary<string, string>();

    public CremiDatasets Datasets =>
        (Raw is not null ? CremiDatasets.Raw : 0) | (Clefts is not null ? CremiDatasets.Clefts : 0)
        | (Predictions is not null ? CremiDatasets.Predictions : 0);
}
