using Cremi.Core.Volumes;

namespace Cremi.Core.Postprocessing;

/// <summary>
/// Connected-component labelling of binary masks, as <c>scipy.ndimage.label</c> with the structure of the same
/// connectivity, and removal of small components.
/// </summary>
/// <remarks>Memory: the run table (a few ints per run of foreground along x) plus the output; no per-voxel scratch.</remarks>
public static class ConnectedComponents
{
    /// <summary>Labels the true voxels of <paramref name="mask"/>.</summary>
    public static ComponentLabels Label(Volume<bool> mask, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Write(mask, RunComponents.Find(new TrueVoxels(mask.Data), mask.Shape, connectivity));
    }

    /// <summary>Labels the non-zero voxels of a uint8 mask (0/1 masks, or 0..255 probabilities already thresholded).</summary>
    public static ComponentLabels Label(Volume<byte> mask, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Write(mask, RunComponents.Find(new NonZeroBytes(mask.Data), mask.Shape, connectivity));
    }

    /// <summary>The components of the true voxels of <paramref name="mask"/> as runs, to write out a slab at a time.</summary>
    public static ComponentRuns Find(Volume<bool> mask, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return new ComponentRuns(RunComponents.Find(new TrueVoxels(mask.Data), mask.Shape, connectivity));
    }

    /// <summary>
    /// The components of the voxels of <paramref name="values"/> at or above <paramref name="level"/> as runs: the
    /// same as labelling the thresholded mask, without building it.
    /// </summary>
    public static ComponentRuns FindAtLeast(Volume<byte> values, byte level, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ComponentRuns(RunComponents.Find(new BytesAtLeast(values.Data, level), values.Shape, connectivity));
    }

    /// <summary>The mask without its components of fewer than <paramref name="minVoxels"/> voxels.</summary>
    public static Volume<bool> RemoveSmall(Volume<bool> mask, long minVoxels, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var components = RunComponents.Find(new TrueVoxels(mask.Data), mask.Shape, connectivity);
        var sizes = components.Sizes();
        return mask.With(Fill(components, k => sizes[k] >= minVoxels));
    }

    /// <summary>
    /// The labels without components of fewer than <paramref name="minVoxels"/> voxels, the rest renumbered 1..m in
    /// their original order.
    /// </summary>
    public static ComponentLabels RemoveSmall(ComponentLabels labels, long minVoxels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var newId = new ulong[labels.Count + 1];
        newId[0] = CleftLabel.Background;
        var kept = new List<long>();
        for (var k = 0; k < labels.Count; k++)
        {
            if (labels.Sizes[k] < minVoxels) { newId[k + 1] = CleftLabel.Background; continue; }
            kept.Add(labels.Sizes[k]);
            newId[k + 1] = (ulong)kept.Count;
        }
        var source = labels.Labels.Data;
        var result = new ulong[source.LongLength];
        Parallel.For(0, labels.Labels.Shape.Z, z =>
        {
            var start = labels.Labels.Shape.Index(z, 0, 0);
            var end = start + labels.Labels.Shape.SectionSize;
            for (var i = start; i < end; i++)
            {
                var id = source[i];
                result[i] = id == CleftLabel.Background || id > (ulong)labels.Count ? CleftLabel.Background : newId[id];
            }
        });
        return new ComponentLabels(labels.Labels.With(result), [.. kept]);
    }

    /// <summary>A mask of the runs whose component passes <paramref name="keep"/>.</summary>
    internal static bool[] Fill(RunComponents components, Func<int, bool> keep)
    {
        var keepComponent = new bool[components.Count];
        for (var k = 0; k < components.Count; k++) keepComponent[k] = keep(k);
        var result = new bool[components.Shape.Count];
        ForEachRun(components, (run, offset, length) =>
        {
            if (keepComponent[components.Component[run]]) result.AsSpan().Slice(checked((int)offset), length).Fill(true);
        });
        return result;
    }

    private static ComponentLabels Write<T>(Volume<T> mask, RunComponents components) where T : unmanaged
    {
        var labels = new ulong[mask.Shape.Count];
        Array.Fill(labels, CleftLabel.Background);
        ForEachRun(components, (run, offset, length) =>
            labels.AsSpan(checked((int)offset), length).Fill((ulong)components.Component[run] + 1));
        return new ComponentLabels(mask.With(labels), components.Sizes());
    }

    private static void ForEachRun(RunComponents components, Action<int, long, int> action)
    {
        var shape = components.Shape;
        Parallel.For(0, shape.Z, z =>
        {
            for (var row = z * shape.Y; row < (z + 1) * shape.Y; row++)
            for (var run = components.RowStart[row]; run < components.RowStart[row + 1]; run++)
                action(run, components.Offset(row, run), components.End[run] - components.Start[run]);
        });
    }
}
