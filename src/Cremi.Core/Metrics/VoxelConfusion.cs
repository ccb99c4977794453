namespace Cremi.Core.Metrics;

/// <summary>
/// Voxel-wise confusion counts of a binary cleft prediction over the scored voxels (ignore voxels excluded), with the
/// usual ratios. Ratios are those of scikit-learn where defined; the 0/0 cases sklearn warns about get a value here.
/// </summary>
/// <remarks>
/// The 0/0 rule: a ratio with nothing to measure is 1 when truth and prediction agree (both without clefts) and 0
/// when they do not. So precision with nothing predicted is 1 only if there was nothing to find; recall with nothing
/// to find is 1 only if nothing was predicted; F1 and IoU of two empty masks are 1; accuracy with no scored voxel is 1.
/// </remarks>
public readonly record struct VoxelConfusion(long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
{
    /// <summary>Voxels that count: every voxel not marked ignore in the truth.</summary>
    public long Scored => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;

    /// <summary>Cleft voxels in the truth.</summary>
    public long TruthPositives => TruePositives + FalseNegatives;

    /// <summary>Predicted cleft voxels.</summary>
    public long PredictedPositives => TruePositives + FalsePositives;

    public double Accuracy => Ratio(TruePositives + TrueNegatives, Scored, whenEmpty: 1);

    public double Precision => Ratio(TruePositives, PredictedPositives, whenEmpty: FalseNegatives == 0 ? 1 : 0);

    public double Recall => Ratio(TruePositives, TruthPositives, whenEmpty: FalsePositives == 0 ? 1 : 0);

    /// <summary>F1 = Dice = 2tp / (2tp + fp + fn).</summary>
    public double F1 => Ratio(2 * TruePositives, 2 * TruePositives + FalsePositives + FalseNegatives, whenEmpty: 1);

    /// <summary>Intersection over union (Jaccard) = tp / (tp + fp + fn).</summary>
    public double IoU => Ratio(TruePositives, TruePositives + FalsePositives + FalseNegatives, whenEmpty: 1);

    private static double Ratio(long numerator, long denominator, double whenEmpty) =>
        denominator == 0 ? whenEmpty : (double)numerator / denominator;
}
