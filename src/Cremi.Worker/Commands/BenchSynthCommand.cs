using System.ComponentModel;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Worker.Benchmarks;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi bench synth`: time and peak memory of writing a synthetic volume (goal for 125x1250x1250: &lt; 60 s, &lt; 2 GB).</summary>
public sealed class BenchSynthCommand(IAnsiConsole console) : Command<BenchSynthCommand.Settings>
{
    public sealed class Settings : FullSampleBenchSettings
    {
        [CommandOption("--dir <DIR>")]
        [Description("Folder for the temporary output file (deleted afterwards). Default: the system temp folder.")]
        public string? Folder { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        var folder = settings.Folder ?? Path.GetTempPath();
        var path = Path.Combine(folder, $"cremi-bench-synth-{Guid.NewGuid():N}.hdf");
        try
        {
            var meter = new ResourceMeter();
            var volume = SyntheticFile.Write(path, new SyntheticEmOptions(shape, settings.Seed), cancellationToken: cancellationToken);
            var wall = meter.WallSeconds;
            new BenchReport("synth")
                .Add("shape", settings.Shape)
                .Add("voxels", shape.Count)
                .Add("wall_s", Math.Round(wall, 2), $"{wall:F1} s")
                .Add("cpu_s", Math.Round(meter.CpuSeconds, 2), $"{meter.CpuSeconds:F1} s")
                .Add("voxels_per_s", Math.Round(shape.Count / wall), $"{shape.Count / wall / 1e6:F1} M/s")
                .Add("peak_rss_bytes", ResourceMeter.PeakRssBytes(), BenchReport.Megabytes(ResourceMeter.PeakRssBytes()))
                .Add("file_bytes", new FileInfo(path).Length, BenchReport.Megabytes(new FileInfo(path).Length))
                .Add("clefts", volume.Synapses.Count)
                .Add("cores", Environment.ProcessorCount)
                .Write(console, settings.Json);
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
