using Cremi.Core.Volumes;

namespace Cremi.Learning.Targets;

/// <summary>
/// The regression target of Heinrich et al. 2018 (DTU-2): tanh(d / scale), d the signed distance in nm to the nearest
/// cleft boundary, measured with the file's voxel size. Inside a cleft d = +distance from the voxel centre to the
/// nearest non-cleft voxel centre; outside d = −distance to the nearest cleft voxel centre; so d is never 0 and
/// target &gt; 0 exactly on cleft voxels (prediction &gt; 0 means cleft). A window without clefts is −1 everywhere,
/// one that is all cleft +1. Regress it with <see cref="Losses.BalancedMse"/>.
/// </summary>
public sealed class DistanceTarget(IDistanceTransform? transform = null, double scaleNm = DistanceTarget.DefaultScaleNm)
{
    /// <summary>The paper's squashing scale.</summary>
    public const double DefaultScaleNm = 50.0;

    private readonly IDistanceTransform _transform = transform ?? SeparableDistanceTransform.Instance;

    public double ScaleNm { get; } = scaleNm > 0 && double.IsFinite(scaleNm)
        ? scaleNm : throw new ArgumentOutOfRangeException(nameof(scaleNm), scaleNm, "the scale must be a positive number of nm");

    /// <summary>The target for a (z,y,x) C-order block of cleft flags.</summary>
    public float[] Compute(bool[] cleft, Shape3 shape, VoxelSize voxelSize)
    {
        var background = new bool[cleft.Length];
        for (var i = 0; i < cleft.Length; i++) background[i] = !cleft[i];
        var toCleft = _transform.DistanceToNearest(cleft, shape, voxelSize);
        var toBackground = _transform.DistanceToNearest(background, shape, voxelSize);
        var target = new float[cleft.Length];
        for (var i = 0; i < cleft.Length; i++)
            target[i] = (float)Math.Tanh((cleft[i] ? toBackground[i] : -toCleft[i]) / ScaleNm);
        return target;
    }
}
