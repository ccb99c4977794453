namespace Cremi.Core.Metrics;

/// <summary>Everything <see cref="CleftEvaluation.Evaluate"/> measures for one truth/prediction pair.</summary>
/// <param name="Voxels">Voxel-wise confusion counts and ratios (accuracy, precision, recall, F1 = Dice, IoU).</param>
/// <param name="Cremi">The CREMI distance metric (ADGT, ADF, thresholded FP/FN counts, score, F1).</param>
/// <param name="IgnoredVoxels">Voxels marked ignore in the truth, left out of every count and average.</param>
public sealed record CleftMetrics(VoxelConfusion Voxels, CremiDistances Cremi, long IgnoredVoxels);
