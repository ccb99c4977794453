using Cremi.Core.Volumes;

namespace Cremi.Core.Postprocessing;

/// <summary>
/// A labelled volume: component ids 1..<see cref="Count"/> in scan order of their first voxel,
/// <see cref="CleftLabel.Background"/> elsewhere (the CREMI cleft layout, ready to write or to score).
/// </summary>
/// <param name="Labels">The ids, with the mask's geometry.</param>
/// <param name="Sizes">Sizes[k] is the voxel count of id k + 1.</param>
public sealed record ComponentLabels(Volume<ulong> Labels, long[] Sizes)
{
    public int Count => Sizes.Length;
}
