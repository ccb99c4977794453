using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Losses;

/// <summary>
/// The class-balanced mean squared error of Heinrich et al. 2018 (DTU-2), regressing a distance target (e.g.
/// <see cref="Targets.DistanceTarget"/>). The weights are those of gunpowder's <c>BalanceLabels</c>, which their
/// training used: with f = clamp(n_cleft / n, c, 1 − c) over the whole batch (cleft = target &gt; 0, c =
/// <c>clip</c>, default 0.05), a cleft voxel weighs 1/(2f) and any other voxel 1/(2(1 − f)), and
/// loss = mean over voxels of w·(prediction − target)². Without clipping this is
/// ½·mean over cleft voxels + ½·mean over non-cleft voxels, so both classes contribute equally however rare clefts
/// are; the clip bounds the weight of a class that is almost absent (≤ 10 at c = 0.05). The weights carry no gradient.
/// </summary>
public static class BalancedMse
{
    public static Tensor Compute(Tensor prediction, Tensor target, double clip = 0.05)
    {
        SegmentationLosses.CheckShapes(prediction, target);
        if (!(clip >= 0 && clip < 0.5)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be in [0, 0.5)");
        using var scope = NewDisposeScope();
        Tensor weight;
        using (no_grad())
        {
            var cleft = ScalarMath.Greater(target, 0);
            var fraction = Math.Clamp(cleft.to_type(ScalarType.Float64).mean().item<double>(), clip, 1 - clip);
            weight = ScalarMath.Where(cleft, 0.5 / fraction, 0.5 / (1 - fraction)).to_type(prediction.dtype);
        }
        return (weight * ScalarMath.Square(ScalarMath.Difference(prediction, target))).mean().MoveToOuterDisposeScope();
    }
}
