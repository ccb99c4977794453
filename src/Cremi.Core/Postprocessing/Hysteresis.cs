using Cremi.Core.Volumes;

namespace Cremi.Core.Postprocessing;

/// <summary>
/// Double-threshold segmentation of a probability volume, as CREMI cleft entries post-process predictions: the
/// connected components of p ≥ low that hold at least one voxel with p ≥ high are kept whole; the rest is dropped, so
/// weak evidence survives only when attached to strong evidence. (skimage's <c>apply_hysteresis_threshold</c> is the
/// same with strict &gt; comparisons.)
/// </summary>
public static class Hysteresis
{
    /// <summary>Hysteresis on probabilities in [0, 1] (or logits, with thresholds to match).</summary>
    public static Volume<bool> Apply(Volume<float> probabilities, float low, float high, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check(low, high);
        var components = RunComponents.Find(new FloatsAtLeast(probabilities.Data, low), probabilities.Shape, connectivity);
        return probabilities.With(Keep(components, new FloatsAtLeast(probabilities.Data, high)));
    }

    /// <summary>Hysteresis on uint8 probabilities (p × 255, as `volumes/predictions/clefts` stores them).</summary>
    public static Volume<bool> Apply(Volume<byte> probabilities, byte low, byte high, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check(low, high);
        var components = RunComponents.Find(new BytesAtLeast(probabilities.Data, low), probabilities.Shape, connectivity);
        return probabilities.With(Keep(components, new BytesAtLeast(probabilities.Data, high)));
    }

    /// <summary>
    /// The components of the hysteresis mask of uint8 probabilities as runs, to write out a slab at a time: the same
    /// as <see cref="ConnectedComponents.Label(Volume{bool}, Connectivity)"/> of <see cref="Apply(Volume{byte}, byte, byte, Connectivity)"/>
    /// with the same connectivity, without building the mask or the label volume.
    /// </summary>
    /// <remarks>
    /// The mask's components are exactly the seeded components of p ≥ low (kept whole, and nothing joins them), in the
    /// same scan order, so they need no second labelling.
    /// </remarks>
    public static ComponentRuns Components(Volume<byte> probabilities, byte low, byte high, Connectivity connectivity = Connectivity.Corners)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check(low, high);
        var components = RunComponents.Find(new BytesAtLeast(probabilities.Data, low), probabilities.Shape, connectivity);
        var seeded = Seeded(components, new BytesAtLeast(probabilities.Data, high));
        return new ComponentRuns(components, k => seeded[k]);
    }

    private static void Check(float low, float high)
    {
        if (float.IsNaN(low) || float.IsNaN(high) || low > high)
            throw new ArgumentOutOfRangeException(nameof(low), $"thresholds must satisfy low <= high (got low {low}, high {high})");
    }

    private static bool[] Keep<TStrong>(RunComponents components, TStrong strong) where TStrong : struct, IForeground
    {
        var seeded = Seeded(components, strong);
        return ConnectedComponents.Fill(components, k => seeded[k]);
    }

    /// <summary>Which components hold a strong voxel.</summary>
    private static bool[] Seeded<TStrong>(RunComponents components, TStrong strong) where TStrong : struct, IForeground
    {
        var seeded = new bool[components.Count];
        for (var row = 0; row < components.RowStart.Length - 1; row++)
        for (var run = components.RowStart[row]; run < components.RowStart[row + 1]; run++)
        {
            var component = components.Component[run];
            if (seeded[component]) continue;
            var offset = components.Offset(row, run);
            var length = components.End[run] - components.Start[run];
            for (var i = 0; i < length; i++)
            {
                if (!strong.Contains(offset + i)) continue;
                seeded[component] = true;
                break;
            }
        }
        return seeded;
    }
}
