using System.Text.Json;
using Cremi.Core.Metrics;
using Spectre.Console;

namespace Cremi.Worker.Commands;

/// <summary>
/// The figures of an evaluation, as JSON (the keys the CREMI tooling and our issues name) or as a table.
/// Voxel-wise scores are over the scored voxels (ignore excluded); ADGT/ADF in nm; counts at 200 nm.
/// </summary>
internal static class EvaluationReport
{
    public static Dictionary<string, object> ToJson(CleftMetrics m) => new()
    {
        ["accuracy"] = m.Voxels.Accuracy,
        ["precision"] = m.Voxels.Precision,
        ["recall"] = m.Voxels.Recall,
        ["f1"] = m.Voxels.F1,
        ["iou"] = m.Voxels.IoU,
        ["adgt"] = m.Cremi.Adgt,
        ["adf"] = m.Cremi.Adf,
        ["cremi_score"] = m.Cremi.Score,
        ["fp_count"] = m.Cremi.FalsePositives,
        ["fn_count"] = m.Cremi.FalseNegatives,
        ["cremi_f1"] = m.Cremi.F1,
        ["tp"] = m.Voxels.TruePositives,
        ["fp"] = m.Voxels.FalsePositives,
        ["fn"] = m.Voxels.FalseNegatives,
        ["tn"] = m.Voxels.TrueNegatives,
        ["ignored_voxels"] = m.IgnoredVoxels,
        ["truth_cleft_voxels"] = m.Cremi.TruthVoxels,
        ["predicted_cleft_voxels"] = m.Cremi.PredictedVoxels,
    };

    public static void Write(IAnsiConsole console, CleftMetrics metrics, bool json, string title)
    {
        if (json)
        {
            console.Profile.Width = int.MaxValue;
            console.WriteLine(JsonSerializer.Serialize(ToJson(metrics), new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        var v = metrics.Voxels;
        var c = metrics.Cremi;
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumns("measure", "value");
        table.AddRow("voxel F1 (Dice)", $"{v.F1:F4}");
        table.AddRow("voxel IoU", $"{v.IoU:F4}");
        table.AddRow("precision / recall", $"{v.Precision:F4} / {v.Recall:F4}");
        table.AddRow("accuracy", $"{v.Accuracy:F6}");
        table.AddRow("TP / FP / FN / TN", $"{v.TruePositives:N0} / {v.FalsePositives:N0} / {v.FalseNegatives:N0} / {v.TrueNegatives:N0}");
        table.AddRow("ADGT (true→predicted, nm)", $"{c.Adgt:F2}");
        table.AddRow("ADF (predicted→true, nm)", $"{c.Adf:F2}");
        table.AddRow("CREMI score (nm, lower is better)", $"{c.Score:F2}");
        table.AddRow($"FP / FN voxels beyond {c.ThresholdNm:G} nm", $"{c.FalsePositives:N0} / {c.FalseNegatives:N0}");
        table.AddRow("CREMI F1 (from FP/FN counts)", $"{c.F1:F4}");
        if (metrics.IgnoredVoxels > 0) table.AddRow("ignored voxels", $"{metrics.IgnoredVoxels:N0}");
        console.Write(table);
    }
}
