using Cremi.Viewer.Neuroglancer;
using System.Diagnostics;
using System.Globalization;
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
        Run(console, settings, output, cancellationToken);
        if (settings.Display) DisplayResult(console, settings, output, cancellationToken);
        return 0;
    }

    internal static void DisplayResult(IAnsiConsole console, GenerateSettings settings, string output, CancellationToken cancellationToken) =>
        DisplayCommand.ServeAsync(console, settings.Data, output, new NeuroglancerServerOptions { Port = settings.Port }, cancellationToken)
            .GetAwaiter().GetResult();

    /// <summary>Generates OUTPUT from the settings with a progress bar and prints the summary; shared with `cremi test`.</summary>
    internal static GenerationResult Run(IAnsiConsole console, GenerateSettings settings, string output, CancellationToken cancellationToken)
    {
        var seedFilters = settings.SeedFilters();
        using var data = CremiFile.Open(settings.Data);
        data.Require(CremiDatasets.Raw);
        var device = ComputeDevice.Resolve(settings.Device);
        using var model = InferenceModel.Load(settings.Model, seedFilters, settings.Naive, device);
        var windows = settings.Windows(model.Window);
        model.Spec.ValidateWindow(windows.Window);
        var labelling = settings.Labelling(model.Threshold);
        var request = new GenerationRequest(settings.Data, output, windows, labelling, settings.Naive,
            Provenance.For("generate", Describe(settings, windows, labelling)));
        var generation = new MaskGeneration(model, model.ToWindowModel(device));
        console.MarkupLineInterpolated(
            $"{data.Shape} voxels, window {windows.Window}, {(settings.Naive ? "naive (the Python tool's way)" : $"overlap {windows.Overlap:P0}, batch {windows.BatchSize}{(windows.Tta ? ", TTA" : "")}")}, {ComputeDevice.Describe(device)}");

        GenerationResult? result = null;
        console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var total = generation.WindowCount(data.Shape, request);
                var task = progress.AddTask("windows", maxValue: Math.Max(1, total));
                var clock = Stopwatch.StartNew();
                var voxelsPerWindow = (double)data.Shape.Count / Math.Max(1, total);
                result = generation.Run(data, request, done =>
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

    private static Dictionary<string, string> Describe(GenerateSettings s, SlidingWindowOptions w, CleftLabelling l)
    {
        var inv = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["source"] = Path.GetFullPath(s.Data),
            ["model"] = Path.GetFullPath(s.Model),
            ["arch"] = s.Arch ?? "model file",
            ["threshold"] = l.Threshold.ToString("R", inv),
            ["threshold_low"] = l.Low?.ToString("R", inv) ?? "",
            ["threshold_high"] = l.High?.ToString("R", inv) ?? "",
            ["min_size"] = l.MinSize.ToString(inv),
            ["window_zyx"] = $"{w.Window.Z},{w.Window.Y},{w.Window.X}",
            ["overlap"] = s.Naive ? "0" : w.Overlap.ToString("R", inv),
            ["blending"] = s.Naive ? "none (naive)" : "gaussian",
            ["tta"] = w.Tta ? "flips z,y,x" : "none",
            ["mode"] = s.Naive ? "naive" : "sliding-window",
        };
    }
}
