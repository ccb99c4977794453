using System.ComponentModel;
using System.Diagnostics;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Worker.Cli;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi synth OUT.hdf`: a synthetic CREMI-like volume with cleft labels.</summary>
public sealed class SynthCommand(IAnsiConsole console) : Command<SynthCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<OUT>")]
        [Description("Output HDF5 file (CREMI layout: volumes/raw, volumes/labels/clefts).")]
        public string Output { get; init; } = "";

        [CommandOption("--shape <Z,Y,X>")]
        [Description("Volume size in voxels, z first. Default: a full CREMI sample, 125,1250,1250.")]
        [DefaultValue("125,1250,1250")]
        public string Shape { get; init; } = "125,1250,1250";

        [CommandOption("--seed <N>")]
        [Description("Random seed; the same seed and shape give the same file content.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        [CommandOption("--resolution <Z,Y,X>")]
        [Description("Voxel size in nm, z first (the neurons and clefts are drawn in nm, so a finer grid draws them with more voxels). Default: CREMI's 40,4,4.")]
        [DefaultValue("40,4,4")]
        public string Resolution { get; init; } = "40,4,4";

        [CommandOption("--overwrite")]
        [Description("Replace OUT if it exists.")]
        public bool Overwrite { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        var resolution = ParseResolution(settings.Resolution);
        OutputFile.CheckWritable(settings.Output, settings.Overwrite);
        var watch = Stopwatch.StartNew();
        SyntheticEmVolume? volume = null;
        console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask($"synthesizing {shape}", maxValue: shape.Z);
                volume = SyntheticFile.Write(settings.Output, new SyntheticEmOptions(shape, settings.Seed) { Resolution = resolution },
                    done => task.Value = done, cancellationToken);
            });
        console.MarkupLineInterpolated(
            $"wrote [green]{settings.Output}[/]: {shape} voxels at {resolution}, {volume!.Synapses.Count} clefts, seed {settings.Seed}, {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static VoxelSize ParseResolution(string text)
    {
        var parts = text.Split(',');
        var values = parts.Select(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        var size = values.Length == 3 ? new VoxelSize(values[0], values[1], values[2]) : default;
        return size.IsValid ? size : throw new UserInputException($"--resolution must be three positive sizes in nm, z,y,x (got '{text}')");
    }
}
