using System.ComponentModel;
using System.Diagnostics;
using Cremi.Core.Metrics;
using Cremi.Core.Preprocessing;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Viewer;
using Cremi.Worker.Cli;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>
/// `cremi demo`: the main job on generated data, end to end with what exists so far: synthesize a CREMI-like
/// volume, read it back, preprocess it as the demo's network is trained (per-section robust standardisation), train,
/// generate a mask for a held-out volume and evaluate it.
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : Command<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder for the demo's files (created if missing; the demo's own files in it are replaced).")]
        [DefaultValue("demo-out")]
        public string Output { get; init; } = "demo-out";

        [CommandOption("--shape <Z,Y,X>")]
        [Description("Size of the synthetic volume.")]
        [DefaultValue("32,512,512")]
        public string Shape { get; init; } = "32,512,512";

        [CommandOption("--seed <N>")]
        [Description("Seed of the training volume; the held-out volume uses seed + 1.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        [CommandOption("--train-minutes <M>")]
        [Description("Training time budget; 0 skips training.")]
        [DefaultValue(3.0)]
        public double TrainMinutes { get; init; } = 3;

        [CommandOption("--display")]
        [Description("At the end, serve the held-out volume and its generated mask to Neuroglancer until Ctrl-C.")]
        public bool Display { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("Port for --display (loopback only; 0 picks a free one).")]
        [DefaultValue(9000)]
        public int Port { get; init; } = 9000;

        [CommandOption("--window <Z,Y,X>")]
        [Description("Training window (multiples of 2,4,4 for the demo network); small, so a CPU does many steps.")]
        [DefaultValue("8,64,64")]
        public string Window { get; init; } = "8,64,64";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        Directory.CreateDirectory(settings.Output);
        var dataPath = Path.Combine(settings.Output, "synthetic.hdf");

        var watch = Stopwatch.StartNew();
        console.Status().Start($"synthesizing {shape} (seed {settings.Seed})", _ =>
            SyntheticFile.Write(dataPath, new SyntheticEmOptions(shape, settings.Seed), cancellationToken: cancellationToken));
        var synthSeconds = watch.Elapsed.TotalSeconds;

        InfoTables.Write(console, CremiInfoReader.Read(dataPath));

        using var file = CremiFile.Open(dataPath);
        var raw = file.ReadRaw();
        var clefts = file.ReadClefts();
        watch.Restart();
        var preprocessed = DemoTraining.Preprocessing.Apply(raw);
        var preprocessSeconds = watch.Elapsed.TotalSeconds;

        var z = SectionChooser.MostClefts(clefts); // the labels are in memory already
        var sectionPng = Path.Combine(settings.Output, "section.png");
        var preprocessedPng = Path.Combine(settings.Output, "section-preprocessed.png");
        OutputFile.WriteAllBytes(sectionPng, SectionRenderer.RenderPng(raw, z, clefts));
        OutputFile.WriteAllBytes(preprocessedPng, SectionRenderer.RenderPng(ToBytes(preprocessed), z, clefts));

        var heldOutPath = Path.Combine(settings.Output, "held-out.hdf");
        (Learning.Training.TrainingResult Result, (double F1, byte Threshold) Baseline)? training =
            settings.TrainMinutes > 0 ? Train(settings, dataPath, heldOutPath, shape, cancellationToken) : null;

        var (mean, std) = MeanStd(preprocessed.Data);
        var table = new Table().Border(TableBorder.Rounded).Title("demo").AddColumns("step", "result");
        table.AddRow("synthesize + write", $"{Markup.Escape(dataPath)}, {synthSeconds:F1} s");
        table.AddRow($"preprocessing ({DemoTraining.Preprocessing})", $"{preprocessSeconds:F2} s, mean {mean:F3}, std {std:F3} (each section: median 0, 5-95 % range ±1.64)");
        table.AddRow("section with most clefts", $"z = {z}: {Markup.Escape(sectionPng)}, {Markup.Escape(preprocessedPng)}");
        if (training is { } t)
        {
            table.AddRow("train (small U-Net)", Markup.Escape($"{t.Result.Steps} steps in {t.Result.Elapsed.TotalMinutes:F1} min ({t.Result.StopReason}): {t.Result.BestModelPath}"));
            table.AddRow("held-out voxel F1", $"{t.Result.BestF1:F3} at threshold {t.Result.BestThreshold:F2} (seed {settings.Seed + 1}, never trained on)");
            table.AddRow("darkness baseline F1", $"{t.Baseline.F1:F3} (raw <= {t.Baseline.Threshold}, tuned on the held-out volume)");
        }
        console.Write(table);

        if (training is { } trained)
        {
            // The held-out volume through the whole product path: generate a mask, then score it.
            var maskPath = Path.Combine(settings.Output, "held-out-mask.hdf");
            var generate = new GenerateSettings { Data = heldOutPath, Model = trained.Result.BestModelPath, Output = maskPath, Port = settings.Port };
            GenerateCommand.Run(console, generate, maskPath, cancellationToken);
            EvaluationReport.Write(console, Evaluation.Compare(heldOutPath, maskPath), json: false,
                $"generated mask against the held-out truth (seed {settings.Seed + 1})");
            if (settings.Display) GenerateCommand.DisplayResult(console, generate, maskPath, cancellationToken);
        }
        else if (settings.Display)
        {
            DisplayCommand.ServeAsync(console, dataPath, null, new Viewer.Neuroglancer.NeuroglancerServerOptions { Port = settings.Port },
                cancellationToken).GetAwaiter().GetResult();
        }
        return 0;
    }

    private (Learning.Training.TrainingResult Result, (double F1, byte Threshold) Baseline) Train(Settings settings, string dataPath,
        string heldOutPath, Shape3 shape, CancellationToken cancellationToken)
    {
        SyntheticFile.Write(heldOutPath, new SyntheticEmOptions(shape, settings.Seed + 1), cancellationToken: cancellationToken);
        (double, byte) baseline;
        using (var heldOut = CremiFile.Open(heldOutPath))
            baseline = DarknessBaseline.BestF1(heldOut.ReadRaw(), heldOut.ReadClefts());
        Learning.Training.TrainingResult? result = null;
        console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask("training", maxValue: 1);
                result = DemoTraining.Run(dataPath, heldOutPath, Path.Combine(settings.Output, "model"), Shape3.Parse(settings.Window),
                    TimeSpan.FromMinutes(settings.TrainMinutes), settings.Seed, new TrainProgress(task, console), cancellationToken);
            });
        return (result!, baseline);
    }

    /// <summary>Robustly standardised values to grey levels: 0 at mid-grey, a section's 5-95 % range over half the scale.</summary>
    private static Volume<byte> ToBytes(Volume<float> volume) =>
        volume.With(Array.ConvertAll(volume.Data, v => (byte)Math.Clamp(MathF.Round(128 + v * 39f), 0f, 255f)));

    private static (double Mean, double Std) MeanStd(float[] values)
    {
        double sum = 0, squares = 0;
        foreach (var v in values) { sum += v; squares += (double)v * v; }
        var mean = sum / values.Length;
        return (mean, Math.Sqrt(Math.Max(0, squares / values.Length - mean * mean)));
    }
}
