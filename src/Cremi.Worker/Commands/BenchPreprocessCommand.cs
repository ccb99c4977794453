using System.ComponentModel;
using Cremi.Core.Preprocessing;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Worker.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi bench preprocess`: time of a preprocessing pipeline on a synthetic volume held in memory.</summary>
public sealed class BenchPreprocessCommand(IAnsiConsole console) : Command<BenchPreprocessCommand.Settings>
{
    public sealed class Settings : FullSampleBenchSettings
    {
        [CommandOption("--spec <SPEC>")]
        [Description("Preprocessing pipeline, e.g. 'seed' (the Python tool's) or 'clahe:2:8,minmax'.")]
        [DefaultValue("seed")]
        public string Spec { get; init; } = "seed";

        [CommandOption("--repeat <N>")]
        [Description("Timed runs after one warm-up run; the median is reported.")]
        [DefaultValue(3)]
        public int Repeat { get; init; } = 3;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        var spec = PreprocessingSpec.Parse(settings.Spec);
        var raw = new Volume<byte>(shape, VoxelSize.Cremi);
        // Raw only (an empty label span skips labels), so the input costs one byte per voxel.
        new SyntheticEmVolume(new SyntheticEmOptions(shape, settings.Seed)).RenderSlab(0, shape.Z, raw.Data, Span<ulong>.Empty);

        var first = new ResourceMeter();
        spec.Apply(raw);
        var warmUp = first.WallSeconds;
        var times = new List<double>();
        for (var i = 0; i < Math.Max(1, settings.Repeat); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var meter = new ResourceMeter();
            spec.Apply(raw);
            times.Add(meter.WallSeconds);
        }
        times.Sort();
        var median = times[times.Count / 2];
        new BenchReport("preprocess")
            .Add("spec", spec.ToString())
            .Add("shape", settings.Shape)
            .Add("first_run_s", Math.Round(warmUp, 2), $"{warmUp:F2} s (includes JIT and first allocation)")
            .Add("median_s", Math.Round(median, 2), $"{median:F2} s over {times.Count} runs")
            .Add("voxels_per_s", Math.Round(shape.Count / median), $"{shape.Count / median / 1e6:F1} M/s")
            .Add("peak_rss_bytes", ResourceMeter.PeakRssBytes(), BenchReport.Megabytes(ResourceMeter.PeakRssBytes()))
            .Add("cores", Environment.ProcessorCount)
            .Write(console, settings.Json);
        return 0;
    }
}
