using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Losses;

/// <summary>The total loss and its terms (a term is null when its weight is 0); all scalars, in the caller's scope.</summary>
public sealed record LossResult(Tensor Total, Tensor? Bce, Tensor? Dice, Tensor? Iou, Tensor? TopK = null);

/// <summary>
/// The weighted sum chosen by a <see cref="LossSpec"/>. On logits (our <c>unet</c>) BCE is
/// <see cref="SegmentationLosses.BceWithLogits"/> and Dice/IoU use σ(logits); on probabilities (the <c>seed</c>
/// network) BCE is <see cref="SegmentationLosses.BceOnProbabilities"/> and Dice/IoU use the output as it is.
/// </summary>
public sealed class CombinedLoss(LossSpec spec, bool onLogits = true)
{
    public LossSpec Spec { get; } = spec.Problems() is { Count: > 0 } problems
        ? throw new ArgumentException($"invalid loss: {string.Join("; ", problems)}", nameof(spec))
        : spec;

    public bool OnLogits { get; } = onLogits;

    public LossResult Compute(Tensor output, Tensor target)
    {
        SegmentationLosses.CheckShapes(output, target);
        using var scope = NewDisposeScope();
        Tensor? bce = null, dice = null, iou = null, topK = null;
        if (Spec.Bce > 0)
            bce = OnLogits ? SegmentationLosses.BceWithLogits(output, target, Spec.PosWeight)
                           : SegmentationLosses.BceOnProbabilities(output, target, Spec.PosWeight);
        if (Spec.TopK > 0) topK = SegmentationLosses.TopKBce(output, target, Spec.TopKPercent, Spec.PosWeight, OnLogits);
        if (Spec.Dice > 0 || Spec.Iou > 0)
        {
            var p = OnLogits ? output.sigmoid() : output;
            if (Spec.Dice > 0) dice = SegmentationLosses.SoftDice(p, target, Spec.Smooth);
            if (Spec.Iou > 0) iou = SegmentationLosses.SoftIou(p, target, Spec.Smooth);
        }
        var total = zeros([], dtype: output.dtype, device: output.device);
        if (bce is not null) total = ScalarMath.Sum(total, ScalarMath.Times(bce, Spec.Bce));
        if (dice is not null) total = ScalarMath.Sum(total, ScalarMath.Times(dice, Spec.Dice));
        if (iou is not null) total = ScalarMath.Sum(total, ScalarMath.Times(iou, Spec.Iou));
        if (topK is not null) total = ScalarMath.Sum(total, ScalarMath.Times(topK, Spec.TopK));
        return new LossResult(total.MoveToOuterDisposeScope(), bce?.MoveToOuterDisposeScope(),
            dice?.MoveToOuterDisposeScope(), iou?.MoveToOuterDisposeScope(), topK?.MoveToOuterDisposeScope());
    }
}
