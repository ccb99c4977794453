using Cremi.Viewer.Neuroglancer;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cremi.Hdf5;
using Cremi.Learning.Devices;
using Cremi.Learning.Inference;
using Cremi.Worker.Cli;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi generate DATA.hdf MODEL --out MASK.hdf`: cleft probabilities and ids for a volume, streamed.</summary>
public sealed class GenerateCommand(IAnsiConsole console) : Command<GenerateSettings>
{
    public override int Execute(CommandContext context, GenerateSettings settings, CancellationToken cancellationToken)
    {
        var output = settings.Output ?? throw new UserInputException("--out MASK.hdf is required");
        OutputFile.CheckWritable(output, settings.Overwrite);
        if (settings.Metrics is { } metricsPath) OutputFile.CheckWritable(metricsPath, settings.Overwrite);
        var result = Run(console, settings, output, cancellationToken);
        if (settings.Metrics is { } metrics)
            OutputFile.WriteAllText(metrics, JsonSerializer.Serialize(GenerationMetrics.Build(settings.Data, settings.Model, output, result), MetricsJson));
        if (settings.Display) DisplayResult(console, settings, output, cancellationToken);
        return 0;
    }

    private static readonly JsonSerializerOptions MetricsJson = new() { WriteIndented = true };

    internal static void DisplayResult(IAnsiConsole console, GenerateSettings settings, string output, CancellationToken cancellationToken) =>
        DisplayCommand.ServeAsync(console, settings.Data, output, new NeuroglancerServerOptions { Port = settings.Port }, cancellationToken)
            .GetAwaiter().GetResult();

    /// <summary>Generates OUTPUT from the settings with a progress bar and prints the summary; shared with `cremi test`.</summary>
    internal static GenerationResult Run(IAnsiConsole console, GenerateSettings settings, string output, CancellationToken cancellationToken)
    {
        using var setup = GenerationSetup.Open(settings, output);
        var (data, windows, labelling) = (setup.Data, setup.Request.Windows, setup.Request.Labelling);
        if (setup.ResolutionWarning is { } warning) console.MarkupLineInterpolated($"[yellow]warning: {settings.Data}: {warning}[/]");
        if (setup.ResampleNote is { } note) console.MarkupLineInterpolated($"{settings.Data}: {note}");
        console.MarkupLineInterpolated(
            $"{data.Shape} voxels, window {windows.Window}, {(settings.Naive ? "naive (the Python tool's way)" : $"overlap {windows.Overlap:P0}, batch {windows.BatchSize}{(windows.Tta ? ", TTA" : "")}")}, {ComputeDevice.Describe(setup.Device)}");

        GenerationResult? result = null;
        console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var total = setup.WindowCount;
                var task = progress.AddTask("windows", maxValue: Math.Max(1, total));
                var clock = Stopwatch.StartNew();
                var voxelsPerWindow = (double)data.Shape.Count / Math.Max(1, total);
                result = setup.Run(done =>
                {
                    task.Increment(done);
                    var rate = task.Value * voxelsPerWindow / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                    task.Description = $"windows {task.Value:N0}/{total:N0}  {rate / 1e3:N0} k voxels/s";
                }, cancellationToken);
                task.Description = "labelling done";
                task.Value = task.MaxValue;
            });

        var r = result!;
        var table = new Table().Border(TableBorder.Rounded).Title("generate").AddColumns("", "");
        table.AddRow("output", Markup.Escape(output));
        table.AddRow("clefts", $"{r.Clefts:N0} ({r.CleftVoxels:N0} voxels, threshold {Threshold(labelling)}, min size {labelling.MinSize})");
        table.AddRow("prediction", $"{r.PredictSeconds:F1} s, {r.Shape.Count / r.PredictSeconds / 1e3:N0} k voxels/s");
        table.AddRow("total", $"{r.TotalSeconds:F1} s");
        console.Write(table);
        return r;
    }

    private static string Threshold(CleftLabelling l) =>
        l.IsDouble ? $"{l.Low ?? l.Threshold:G3}..{l.High ?? l.Threshold:G3}" : l.Threshold.ToString("G3", CultureInfo.InvariantCulture);
}
