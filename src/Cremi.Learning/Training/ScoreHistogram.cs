namespace Cremi.Learning.Training;

/// <summary>
/// Counts of cleft and non-cleft voxels per score bin (256 bins over [0, 1]). From it the voxel F1 and IoU at any
/// threshold follow without keeping the scores, so validation picks the best threshold for free.
/// </summary>
public sealed class ScoreHistogram
{
    public const int Bins = 256;
    private readonly long[] _cleft = new long[Bins];
    private readonly long[] _other = new long[Bins];

    public void Add(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isCleft, ReadOnlySpan<bool> keep)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            if (!keep[i]) continue;
            var bin = Math.Clamp((int)(scores[i] * Bins), 0, Bins - 1);
            if (isCleft[i]) _cleft[bin]++;
            else _other[bin]++;
        }
    }

    /// <summary>Cleft voxels counted so far (none: no F1 to maximise).</summary>
    public long CleftVoxels => _cleft.Sum();

    /// <summary>Voxel counts at "score ≥ threshold means cleft".</summary>
    public (long Tp, long Fp, long Fn, long Tn) Confusion(double threshold)
    {
        var first = Math.Clamp((int)Math.Ceiling(threshold * Bins), 0, Bins);
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (var b = 0; b < Bins; b++)
        {
            if (b >= first) { tp += _cleft[b]; fp += _other[b]; }
            else { fn += _cleft[b]; tn += _other[b]; }
        }
        return (tp, fp, fn, tn);
    }

    public double F1(double threshold)
    {
        var (tp, fp, fn, _) = Confusion(threshold);
        return tp + fp + fn == 0 ? 1 : 2.0 * tp / (2 * tp + fp + fn);
    }

    public double Iou(double threshold)
    {
        var (tp, fp, fn, _) = Confusion(threshold);
        return tp + fp + fn == 0 ? 1 : (double)tp / (tp + fp + fn);
    }

    /// <summary>The threshold (a bin edge) with the highest F1; ties go to the threshold nearest 0.5.</summary>
    public (double Threshold, double F1) BestThreshold()
    {
        var (best, bestF1) = (0.5, F1(0.5));
        for (var b = 1; b < Bins; b++)
        {
            var t = (double)b / Bins;
            var f = F1(t);
            if (f > bestF1 + 1e-12 || (Math.Abs(f - bestF1) <= 1e-12 && Math.Abs(t - 0.5) < Math.Abs(best - 0.5))) (best, bestF1) = (t, f);
        }
        return (best, bestF1);
    }
}
