using System.ComponentModel;
using Cremi.Core.Augmentation;
using Cremi.Core.Preprocessing;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Losses;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using Cremi.Learning.Weights;
using Cremi.Viewer.Plots;
using Cremi.Worker.Cli;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi train DATA.hdf... --out DIR`: trains a cleft detector and writes model.cremi and its history.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var run = TrainingRun.Check(settings);
        foreach (var resized in run.ResampleNotes) console.MarkupLineInterpolated($"{resized}");
        console.Status().Start("loading and preprocessing training data", _ => run.Load());
        var (train, validation, spec, options) = (run.Train, run.Validation, run.Spec, run.Options);
        console.MarkupLineInterpolated(
            $"data: {train.Count} training part(s) ({train.Sum(v => v.Shape.Count):N0} voxels, {train.Sum(v => v.CountCleftVoxels()):N0} cleft), {validation.Count} validation part(s) ({validation.Sum(v => v.Shape.Count):N0} voxels, {validation.Sum(v => v.CountCleftVoxels()):N0} cleft); preprocessing {run.Preprocessing}");
        console.MarkupLineInterpolated($"model: {spec.Arch.ToString().ToLowerInvariant()}, {spec.ParameterCount():N0} parameters, receptive field {ReceptiveField.Of(spec)} voxels, window {options.Window}{(run.WindowNote is { } note ? $" ({note})" : "")}, {spec.Pools.Count(p => p.Z == 1)} in-plane level(s) for {run.Resolution} voxels");

        TrainingResult? result = null;
        console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask("starting", maxValue: 1);
                result = run.Run(new TrainProgress(task, console), cancellationToken);
            });
        var plotPath = run.PlotPath;
        Summary(result!, settings, plotPath);
        return 0;
    }

    private void Summary(TrainingResult result, TrainSettings settings, string plotPath)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("training summary").AddColumns("", "");
        table.AddRow("stopped", Markup.Escape(result.StopReason));
        table.AddRow("steps", $"{result.Steps:N0} in {result.Elapsed:hh\\:mm\\:ss}");
        table.AddRow(result.Calibration is null ? "best validation F1 (windows)" : "validation F1 (as generated)",
            $"{result.BestF1:F4} at threshold {result.BestThreshold:F3}" +
            (result.Calibration is { } c ? $" over {c.Voxels:N0} voxels{(c.Complete ? "" : $" of {c.PlannedVoxels:N0} (cut by the time budget)")} ({c.F1AtHalf:F4} at 0.5)" : ""));
        table.AddRow("model", Markup.Escape(result.BestModelPath));
        table.AddRow("checkpoint", Markup.Escape(result.LastCheckpointPath));
        table.AddRow("history", Markup.Escape($"{Path.Combine(settings.Output, "history.csv")}, metrics.json, {plotPath}"));
        if (settings.ExportPth is not null) table.AddRow("PyTorch state_dict", Markup.Escape(settings.ExportPth));
        console.Write(table);
        if (result.Calibration?.Warning is { } warning) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
    }
}
