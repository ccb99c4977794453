using System.ComponentModel;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Viewer;
using Cremi.Worker.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi render FILE [MASK] --z K --out slice.png`: one section, reading only that section from disk.</summary>
public sealed class RenderCommand(IAnsiConsole console) : Command<RenderCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("CREMI file with volumes/raw; its volumes/labels/clefts, if any, are drawn in green.")]
        public string File { get; init; } = "";

        [CommandArgument(1, "[MASK]")]
        [Description("Optional predicted mask (CREMI layout or the Python tool's 'data'), drawn in magenta.")]
        public string? Mask { get; init; }

        [CommandOption("-z|--section <K>")]
        [Description("Section index (0-based). Default: the section with the most true cleft voxels, else the middle one.")]
        public int? Z { get; init; }

        [CommandOption("--out <PNG>")]
        [Description("Output PNG file.")]
        public string Output { get; init; } = "";

        [CommandOption("--scale <N>")]
        [Description("Integer upscaling (nearest neighbour) for small volumes.")]
        [DefaultValue(1)]
        public int Scale { get; init; } = 1;

        [CommandOption("--overwrite")]
        [Description("Replace the output if it exists.")]
        public bool Overwrite { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("--out <PNG> is required")
            : Scale is < 1 or > 16 ? ValidationResult.Error("--scale must be between 1 and 16")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputFile.CheckWritable(settings.Output, settings.Overwrite);
        using var data = CremiFile.Open(settings.File);
        data.Require(CremiDatasets.Raw);
        using var mask = settings.Mask is null ? null : CremiFile.Open(settings.Mask);
        if (mask is not null)
        {
            mask.Require(CremiDatasets.Clefts);
            if (mask.Shape != data.Shape)
                throw new UserInputException($"{settings.Mask}: mask shape {mask.Shape} differs from {settings.File} shape {data.Shape}");
        }
        var z = settings.Z ?? SectionChooser.MostClefts(data);
        if (z < 0 || z >= data.Shape.Z)
            throw new UserInputException($"{settings.File}: section {z} is outside the volume's sections 0..{data.Shape.Z - 1}");

        var section = new Shape3(1, data.Shape.Y, data.Shape.X);
        var raw = data.ReadRaw(z, 0, 0, section);
        var truth = data.HasClefts ? data.ReadClefts(z, 0, 0, section) : null;
        var predicted = mask?.ReadClefts(z, 0, 0, section);
        var png = SectionRenderer.RenderPng(raw, 0, truth, predicted, new SectionRenderOptions { Scale = settings.Scale });
        OutputFile.WriteAllBytes(settings.Output, png);
        console.MarkupLineInterpolated($"wrote [green]{settings.Output}[/]: section {z} of {data.Shape}");
        return 0;
    }
}
