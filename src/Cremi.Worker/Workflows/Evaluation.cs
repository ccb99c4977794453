using Cremi.Core.Metrics;
using Cremi.Hdf5;

namespace Cremi.Worker.Workflows;

/// <summary>Compares the cleft labels of two files: CREMI layout or the Python tool's mask as the prediction.</summary>
public static class Evaluation
{
    public static CleftMetrics Compare(string truthPath, string predictionPath)
    {
        using var truth = CremiFile.Open(truthPath);
        using var prediction = CremiFile.Open(predictionPath);
        truth.Require(CremiDatasets.Clefts);
        prediction.Require(CremiDatasets.Clefts);
        if (truth.Shape != prediction.Shape)
            throw new CremiFileException(predictionPath,
                $"cleft labels have shape {prediction.Shape} but the truth in {truthPath} has {truth.Shape}; both must cover the same voxels");
        // Distances are measured with the truth's voxel size (the prediction may lack one: the Python tool wrote none).
        return CleftEvaluation.Evaluate(truth.ReadClefts(), prediction.ReadClefts());
    }
}
