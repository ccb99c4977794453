using Cremi.Core.Postprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>
/// From quantised scores (p × 255) to cleft ids: a threshold, or a double threshold (seed at high, grow to low, as
/// the CREMI leaders post-process), then 26-connected components, the small ones removed, the rest numbered 1..n
/// (background <see cref="CleftLabel.Background"/>).
/// </summary>
public sealed record CleftLabelling(double Threshold, double? Low = null, double? High = null, long MinSize = CleftLabelling.DefaultMinSize)
{
    /// <summary>
    /// 100 voxels at 40×4×4 nm = 64,000 nm³, e.g. 4 sections × 5×5 voxels (20×20 nm in plane). A real cleft spans
    /// several sections and a few hundred nm in plane (thousands of voxels); specks below this are noise.
    /// </summary>
    public const long DefaultMinSize = 100;

    /// <summary>Byte level for a score threshold: score ≥ t ⇔ byte ≥ ceil(t × 255) (minus a hair for round-off).</summary>
    public static byte Level(double threshold) => (byte)Math.Clamp(Math.Ceiling(threshold * 255 - 1e-6), 0, 255);

    public bool IsDouble => Low is not null || High is not null;

    /// <summary>The whole id volume at once (8 bytes per voxel); <see cref="Find"/> writes it a slab at a time.</summary>
    public ComponentLabels Apply(Volume<byte> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return Find(scores).ToLabels(scores.Resolution, scores.Offset);
    }

    /// <summary>
    /// The cleft ids as runs, to write out a slab at a time: the same ids as thresholding (or hysteresis), labelling
    /// and removing small components volume by volume, without ever holding a mask or a uint64 volume (a full CREMI
    /// sample's would be 1.56 GB).
    /// </summary>
    public ComponentRuns Find(Volume<byte> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ComponentRuns components;
        if (IsDouble)
        {
            var (low, high) = (Low ?? Threshold, High ?? Threshold);
            if (low > high) throw new ArgumentException($"--low {low} is above --high {high}");
            components = Hysteresis.Components(scores, Level(low), Level(high), Connectivity.Corners);
        }
        else
            components = ConnectedComponents.FindAtLeast(scores, Level(Threshold), Connectivity.Corners);
        return MinSize > 1 ? components.RemoveSmall(MinSize) : components;
    }

    /// <summary>p in [0, 1] to p × 255, rounded half up.</summary>
    public static void Quantise(ReadOnlySpan<float> scores, Span<byte> destination)
    {
        for (var i = 0; i < scores.Length; i++) destination[i] = (byte)(Math.Clamp(scores[i], 0f, 1f) * 255f + 0.5f);
    }
}
