using Cremi.Hdf5;
using Cremi.Worker.Commands;

namespace Cremi.Worker.Workflows;

/// <summary>
/// The metrics.json of one generated mask, the same from `cremi generate --metrics`, a worker job and the MSBuild
/// batch: what was run and how fast, and, when the data file carries cleft labels, the evaluation of the mask
/// against them (keys as `cremi evaluate --json`).
/// </summary>
public static class GenerationMetrics
{
    public static Dictionary<string, object> Build(string dataPath, string model, string maskPath, GenerationResult result)
    {
        var metrics = new Dictionary<string, object>
        {
            ["input"] = Path.GetFileName(dataPath),
            ["model"] = model,
            ["shape_zyx"] = new[] { result.Shape.Z, result.Shape.Y, result.Shape.X },
            ["clefts"] = result.Clefts,
            ["cleft_voxels"] = result.CleftVoxels,
            ["predict_seconds"] = result.PredictSeconds,
            ["total_seconds"] = result.TotalSeconds,
            ["voxels_per_second"] = result.Shape.Count / Math.Max(1e-9, result.PredictSeconds),
        };
        bool labelled;
        using (var data = CremiFile.Open(dataPath)) labelled = data.HasClefts;
        if (labelled) metrics["evaluation"] = EvaluationReport.ToJson(Evaluation.Compare(dataPath, maskPath));
        return metrics;
    }
}
