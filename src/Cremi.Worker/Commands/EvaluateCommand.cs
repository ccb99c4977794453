using System.ComponentModel;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi evaluate TRUTH.hdf PRED.hdf`: voxel scores and the CREMI cleft metric.</summary>
public sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<TRUTH>")]
        [Description("File with the true cleft labels (volumes/labels/clefts; 0xFFFFFFFFFFFFFFFE voxels are ignored).")]
        public string Truth { get; init; } = "";

        [CommandArgument(1, "<PRED>")]
        [Description("Predicted clefts: a CREMI-layout file or the Python tool's segmentation_mask.hdf ('data', 0/1).")]
        public string Prediction { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print JSON: accuracy, precision, recall, f1, iou, adgt, adf, cremi_score, fp_count, fn_count, cremi_f1, and counts.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var metrics = Evaluation.Compare(settings.Truth, settings.Prediction);
        EvaluationReport.Write(console, metrics, settings.Json, $"{Path.GetFileName(settings.Prediction)} against {Path.GetFileName(settings.Truth)}");
        return 0;
    }
}
