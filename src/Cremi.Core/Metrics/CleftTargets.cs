using Cremi.Core.Volumes;

namespace Cremi.Core.Metrics;

/// <summary>True cleft voxels as distance targets: the truth's EDT gives each voxel its distance to the nearest true cleft.</summary>
/// <remarks>Ignore voxels are not targets (cremi_python adds them to the "no cleft" mask), and neither is 0.</remarks>
internal readonly struct TruthClefts(ulong[] truth) : IDistanceSource
{
    public bool IsTarget(long index) => CleftLabel.IsCleft(truth[index]);
}

/// <summary>
/// Predicted cleft voxels as distance targets, less those the truth marks ignore: cremi_python ORs the truth's invalid
/// mask into the prediction's "no cleft" mask too, so a prediction inside an ignore region neither counts nor attracts.
/// </summary>
internal readonly struct PredictedClefts(ulong[] prediction, ulong[] truth) : IDistanceSource
{
    public bool IsTarget(long index) => CleftLabel.IsCleft(prediction[index]) && truth[index] != CleftLabel.Ignore;
}
