namespace Cremi.Core.Metrics;

/// <summary>
/// The CREMI synaptic-cleft metric, as cremi/cremi_python's <c>cremi.evaluation.Clefts</c> computes it
/// (github.com/cremi/cremi_python, cremi/evaluation/Clefts.py, commit 6207b83 "do not use masked clefts for
/// evaluation"), plus the F-score the challenge builds from its counts.
/// </summary>
/// <remarks>
/// <para>Adf ("average distance of false positives", <c>acc_false_positives()['mean']</c>): mean over predicted cleft
/// voxels of their distance in nm to the nearest true cleft voxel. Adgt (<c>acc_false_negatives()['mean']</c>): mean
/// over true cleft voxels of their distance to the nearest predicted cleft voxel. FalsePositives / FalseNegatives
/// (<c>count_false_positives/negatives(threshold)</c>): predicted (true) cleft voxels farther than
/// <see cref="ThresholdNm"/> from any true (predicted) one. Score: the leaderboard's CREMI score (Adgt + Adf) / 2, lower
/// is better.</para>
/// <para>F1: cremi.org/metrics says only "The final score is the F1-score of the FPs and FNs"; no formula or code is
/// published. Here precision = (predicted − FP) / predicted and recall = (truth − FN) / truth, F1 their harmonic mean.
/// (Turner's synaptor uses 2tp / (2tp + fp + fn) with tp = predicted − FP, which differs when the two sides differ
/// in size; we report the symmetric form because each side's hits are counted on that side.)</para>
/// <para>Empty sides, where the reference returns NaN: a mean over no voxel is 0 and a missing side's distance is the
/// diagonal of the volume's box in nm (larger than any distance inside it). Truth without clefts and a non-empty
/// prediction: Adf = diagonal, FalsePositives = every predicted voxel, Adgt = 0, FN = 0, precision = recall = F1 = 0.
/// Prediction empty and truth not: Adgt = diagonal, FalseNegatives = every true voxel, Adf = 0, FP = 0, F1 = 0. Both
/// empty: distances and counts 0, precision = recall = F1 = 1.</para>
/// </remarks>
public sealed record CremiDistances(
    double ThresholdNm, double Adgt, double Adf, long FalsePositives, long FalseNegatives,
    long TruthVoxels, long PredictedVoxels)
{
    /// <summary>The CREMI leaderboard score, (Adgt + Adf) / 2 in nm; lower is better.</summary>
    public double Score => (Adgt + Adf) / 2;

    /// <summary>Share of predicted cleft voxels within the threshold of a true cleft.</summary>
    public double Precision => PredictedVoxels == 0
        ? (TruthVoxels == 0 ? 1 : 0)
        : (double)(PredictedVoxels - FalsePositives) / PredictedVoxels;

    /// <summary>Share of true cleft voxels within the threshold of a predicted cleft.</summary>
    public double Recall => TruthVoxels == 0
        ? (PredictedVoxels == 0 ? 1 : 0)
        : (double)(TruthVoxels - FalseNegatives) / TruthVoxels;

    /// <summary>Harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
