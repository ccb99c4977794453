using Cremi.Core.Volumes;

namespace Cremi.Core.Postprocessing;

/// <summary>
/// Labelled components held as runs along x rather than as a label volume: ids 1..<see cref="Count"/> in scan order
/// of each component's first voxel, <see cref="CleftLabel.Background"/> elsewhere, exactly as
/// <see cref="ComponentLabels"/> holds them, but written out only a slab of sections at a time.
/// </summary>
/// <remarks>
/// A full CREMI sample (195 M voxels) as uint64 ids is 1.56 GB; its run table is a few ints per run of foreground,
/// a few MB for clefts. Dropping components (<see cref="RemoveSmall"/>) only renumbers the per-component table.
/// </remarks>
public sealed class ComponentRuns
{
    private readonly RunComponents _runs;

    /// <summary>Id of each component of the run table, <see cref="CleftLabel.Background"/> for a dropped one.</summary>
    private readonly ulong[] _ids;

    private readonly long[] _sizes;

    /// <summary>Keeps the components of <paramref name="runs"/> that pass <paramref name="keep"/> (all when null).</summary>
    internal ComponentRuns(RunComponents runs, Func<int, bool>? keep = null)
    {
        _runs = runs;
        _ids = new ulong[runs.Count];
        var allSizes = runs.Sizes();
        var kept = new List<long>();
        for (var k = 0; k < runs.Count; k++)
        {
            if (keep is not null && !keep(k)) { _ids[k] = CleftLabel.Background; continue; }
            kept.Add(allSizes[k]);
            // Run components are numbered in scan order of their first voxel, so ranks among the kept ones are too.
            _ids[k] = (ulong)kept.Count;
        }
        _sizes = [.. kept];
    }

    public Shape3 Shape => _runs.Shape;

    /// <summary>Number of components, the largest id.</summary>
    public int Count => _sizes.Length;

    /// <summary>Sizes[k] is the voxel count of id k + 1.</summary>
    public IReadOnlyList<long> Sizes => _sizes;

    /// <summary>Voxels of all components together.</summary>
    public long Voxels => _sizes.Sum();

    /// <summary>
    /// These components without those of fewer than <paramref name="minVoxels"/> voxels, the rest renumbered 1..m in
    /// their order (as <see cref="ConnectedComponents.RemoveSmall(ComponentLabels, long)"/>).
    /// </summary>
    public ComponentRuns RemoveSmall(long minVoxels)
    {
        var sizes = _runs.Sizes();
        return new ComponentRuns(_runs, k => _ids[k] != CleftLabel.Background && sizes[k] >= minVoxels);
    }

    /// <summary>
    /// Writes the ids of sections <paramref name="z0"/> .. into <paramref name="destination"/>, which holds whole
    /// sections in C order; every value is overwritten.
    /// </summary>
    public void WriteSections(int z0, Span<ulong> destination)
    {
        var shape = _runs.Shape;
        var section = shape.SectionSize;
        if (destination.Length % section != 0)
            throw new ArgumentException($"{destination.Length} values are not whole {shape.Y}x{shape.X} sections", nameof(destination));
        var depth = destination.Length / section;
        if (z0 < 0 || z0 + depth > shape.Z)
            throw new ArgumentOutOfRangeException(nameof(z0), $"sections {z0}..{z0 + depth - 1} leave 0..{shape.Z - 1}");

        destination.Fill(CleftLabel.Background);
        var firstRow = z0 * shape.Y;
        for (var row = firstRow; row < firstRow + depth * shape.Y; row++)
        {
            var offset = (row - firstRow) * shape.X;
            for (var run = _runs.RowStart[row]; run < _runs.RowStart[row + 1]; run++)
            {
                var id = _ids[_runs.Component[run]];
                if (id != CleftLabel.Background) destination[(offset + _runs.Start[run])..(offset + _runs.End[run])].Fill(id);
            }
        }
    }

    /// <summary>The whole label volume at once (8 bytes per voxel): for small volumes and tests.</summary>
    public ComponentLabels ToLabels(VoxelSize resolution, Offset3 offset = default)
    {
        var labels = new ulong[Shape.Count];
        WriteSections(0, labels);
        return new ComponentLabels(new Volume<ulong>(Shape, labels, resolution, offset), [.. _sizes]);
    }
}
