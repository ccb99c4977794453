using System.ComponentModel;
using System.Diagnostics;
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
/// volume, read it back, preprocess it as the seed network expects, summarise it and render a section.
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
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;
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
        var preprocessed = SeedPreprocessing.Apply(raw);
        var preprocessSeconds = watch.Elapsed.TotalSeconds;

        var z = SectionChooser.MostClefts(file);
        var sectionPng = Path.Combine(settings.Output, "section.png");
        var preprocessedPng = Path.Combine(settings.Output, "section-preprocessed.png");
        OutputFile.WriteAllBytes(sectionPng, SectionRenderer.RenderPng(raw, z, clefts));
        OutputFile.WriteAllBytes(preprocessedPng, SectionRenderer.RenderPng(ToBytes(preprocessed), z, clefts));

        var (mean, std) = MeanStd(preprocessed.Data);
        var table = new Table().Border(TableBorder.Rounded).Title("demo").AddColumns("step", "result");
        table.AddRow("synthesize + write", $"{Markup.Escape(dataPath)}, {synthSeconds:F1} s");
        table.AddRow("seed preprocessing", $"{preprocessSeconds:F2} s, values in [[0,1]], mean {mean:F3}, std {std:F3}");
        table.AddRow("section with most clefts", $"z = {z}: {Markup.Escape(sectionPng)}, {Markup.Escape(preprocessedPng)}");
        console.Write(table);
        return 0;
    }

    private static Volume<byte> ToBytes(Volume<float> volume) =>
        volume.With(Array.ConvertAll(volume.Data, v => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f)));

    private static (double Mean, double Std) MeanStd(float[] values)
    {
        double sum = 0, squares = 0;
        foreach (var v in values) { sum += v; squares += (double)v * v; }
        var mean = sum / values.Length;
        return (mean, Math.Sqrt(Math.Max(0, squares / values.Length - mean * mean)));
    }
}
