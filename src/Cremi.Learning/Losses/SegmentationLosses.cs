using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Losses;

/// <summary>
/// The seed's three losses, differentiable. Targets are 0/1 float tensors of the prediction's shape (N,C,Z,Y,X).
/// Dice and IoU are soft (on probabilities, not thresholded), computed per sample over all its voxels
/// and averaged over the batch; <c>smooth</c> (ε) keeps an empty sample defined (loss → 0 as p → 0 there).
/// </summary>
public static class SegmentationLosses
{
    /// <summary>
    /// Mean over voxels of −[w·t·log σ(x) + (1−t)·log(1−σ(x))], w = <paramref name="posWeight"/>:
    /// exactly torch's <c>BCEWithLogitsLoss(pos_weight=w)</c>.
    /// </summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor target, double posWeight = 1.0)
    {
        CheckShapes(logits, target);
        return WeightedBce(logits, target, posWeight, onLogits: true, nn.Reduction.Mean);
    }

    /// <summary>
    /// The same loss on probabilities (the seed network's output): torch's <c>BCELoss</c> with per-voxel weight
    /// 1 + (w−1)·t (logs clamped at −100 as torch does), equal to <see cref="BceWithLogits"/> on σ⁻¹(p).
    /// </summary>
    public static Tensor BceOnProbabilities(Tensor probabilities, Tensor target, double posWeight = 1.0)
    {
        CheckShapes(probabilities, target);
        return WeightedBce(probabilities, target, posWeight, onLogits: false, nn.Reduction.Mean);
    }

    /// <summary>
    /// Mean of the largest <paramref name="percent"/> % of the per-voxel BCE values (with pos_weight) over the whole
    /// batch (the count rounded down, at least one voxel): the "TopK" loss of nnU-Net's loss zoo (Ma et al. 2021,
    /// after Wu et al. 2016's bootstrapped cross-entropy). Once the easy background is learnt, the plain mean is
    /// dominated by millions of voxels that no longer teach anything; the top-k mean spends the gradient on the hard
    /// ones (a T-bar next to a cleft, the band's edges). Not better than BCE on our synthetic data in 15 minutes
    /// (docs/measurements.md), so not the default. On logits (<c>onLogits</c>) or on probabilities (the seed
    /// network's sigmoid output).
    /// </summary>
    public static Tensor TopKBce(Tensor output, Tensor target, double percent, double posWeight = 1.0, bool onLogits = true)
    {
        CheckShapes(output, target);
        if (!(percent > 0 && percent <= 100)) throw new ArgumentOutOfRangeException(nameof(percent), $"top-k percent must be in (0, 100] (got {percent})");
        using var scope = NewDisposeScope();
        var flat = WeightedBce(output, target, posWeight, onLogits, nn.Reduction.None).reshape(-1);
        var k = Math.Max(1L, (long)Math.Floor(flat.shape[0] * percent / 100.0)); // nnU-Net's count (floor), at least one
        if (k >= flat.shape[0]) return flat.mean().MoveToOuterDisposeScope();
        return flat.topk((int)k, sorted: false).values.mean().MoveToOuterDisposeScope();
    }

    /// <summary>1 − (2Σpt + ε)/(Σp + Σt + ε) per sample, mean over the batch.</summary>
    public static Tensor SoftDice(Tensor probabilities, Tensor target, double smooth = 1.0)
    {
        CheckShapes(probabilities, target);
        using var scope = NewDisposeScope();
        var dims = SampleDims(probabilities);
        var intersection = (probabilities * target).sum(dims);
        var total = ScalarMath.Sum(probabilities.sum(dims), target.sum(dims));
        var ratio = ScalarMath.Plus(ScalarMath.Times(intersection, 2), smooth) / ScalarMath.Plus(total, smooth);
        return ScalarMath.Minus(1, ratio).mean().MoveToOuterDisposeScope();
    }

    /// <summary>1 − (Σpt + ε)/(Σp + Σt − Σpt + ε) per sample (soft Jaccard), mean over the batch.</summary>
    public static Tensor SoftIou(Tensor probabilities, Tensor target, double smooth = 1.0)
    {
        CheckShapes(probabilities, target);
        using var scope = NewDisposeScope();
        var dims = SampleDims(probabilities);
        var intersection = (probabilities * target).sum(dims);
        var union = ScalarMath.Difference(ScalarMath.Sum(probabilities.sum(dims), target.sum(dims)), intersection);
        var ratio = ScalarMath.Plus(intersection, smooth) / ScalarMath.Plus(union, smooth);
        return ScalarMath.Minus(1, ratio).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// BCE with the positive class weighted by <paramref name="posWeight"/>, reduced as asked: on logits torch's
    /// <c>pos_weight</c>; on probabilities (no such argument in <c>BCELoss</c>) a per-voxel weight 1 + (w−1)·t, the
    /// same thing. The one place the weighting is written, for the mean and the top-k losses alike.
    /// </summary>
    private static Tensor WeightedBce(Tensor output, Tensor target, double posWeight, bool onLogits, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        if (onLogits)
        {
            using var posWeights = posWeight == 1.0 ? null : tensor(posWeight, dtype: output.dtype, device: output.device);
            return nn.functional.binary_cross_entropy_with_logits(output, target, pos_weights: posWeights, reduction: reduction)
                .MoveToOuterDisposeScope();
        }
        var weight = posWeight == 1.0 ? null : ScalarMath.Plus(ScalarMath.Times(target, posWeight - 1), 1);
        return nn.functional.binary_cross_entropy(output, target, weight, reduction: reduction).MoveToOuterDisposeScope();
    }

    internal static long[] SampleDims(Tensor t) =>
        t.dim() < 2 ? throw new ArgumentException("a batch (N, ...) is expected") : [.. Enumerable.Range(1, (int)t.dim() - 1).Select(d => (long)d)];

    internal static void CheckShapes(Tensor prediction, Tensor target)
    {
        if (!prediction.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"prediction shape ({string.Join(",", prediction.shape)}) differs from target shape ({string.Join(",", target.shape)})");
    }
}
