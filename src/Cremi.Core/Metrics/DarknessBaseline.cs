using Cremi.Core.Volumes;

namespace Cremi.Core.Metrics;

/// <summary>
/// The naive detector a learned one must beat by far: "a voxel darker than t is a cleft", with t tuned on the very
/// volume being scored (so it is an upper bound for that detector). Clefts are dark, but so is every membrane.
/// </summary>
public static class DarknessBaseline
{
    public static (double F1, byte Threshold) BestF1(Volume<byte> raw, Volume<ulong> truth)
    {
        if (raw.Shape != truth.Shape) throw new ArgumentException($"raw {raw.Shape} and labels {truth.Shape} differ in shape");
        var cleft = new long[256];
        var other = new long[256];
        for (var i = 0; i < raw.Data.Length; i++)
        {
            var label = truth.Data[i];
            if (label == CleftLabel.Ignore) continue;
            if (CleftLabel.IsCleft(label)) cleft[raw.Data[i]]++;
            else other[raw.Data[i]]++;
        }
        var totalCleft = cleft.Sum();
        long tp = 0, fp = 0;
        var (best, bestT) = (0.0, (byte)0);
        for (var t = 0; t < 256; t++)
        {
            tp += cleft[t];
            fp += other[t];
            var fn = totalCleft - tp;
            var f1 = tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
            if (f1 > best) (best, bestT) = (f1, (byte)t);
        }
        return (best, bestT);
    }
}
