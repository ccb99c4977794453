using System.ComponentModel;
using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using Cremi.Worker.Cli;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>Options of `cremi generate`; everything but the files defaults to what the model file says.</summary>
public class GenerateSettings : CommandSettings
{
    [CommandArgument(0, "<DATA>")]
    [Description("CREMI file with volumes/raw.")]
    public string Data { get; init; } = "";

    [CommandArgument(1, "<MODEL>")]
    [Description("model.cremi written by `cremi train`, or the Python tool's .pth with --arch seed.")]
    public string Model { get; init; } = "";

    [CommandOption("-o|--out <MASK>")]
    [Description("Output CREMI file: volumes/labels/clefts (ids) and volumes/predictions/clefts (p x 255).")]
    public string? Output { get; init; }

    [CommandOption("--metrics <JSON>")]
    [Description("Also write metrics.json: the run's figures and, when DATA has cleft labels, the evaluation against them.")]
    public string? Metrics { get; init; }

    [CommandOption("--threshold <T>")]
    [Description("Score threshold for a cleft. Default: the model's (chosen on validation data); 0.01 for a .pth in --naive mode.")]
    public double? Threshold { get; init; }

    [CommandOption("--low <L>")]
    [Description("Double threshold: keep components of score >= L that reach --high somewhere.")]
    public double? Low { get; init; }

    [CommandOption("--high <H>")]
    public double? High { get; init; }

    [CommandOption("--min-size <N>")]
    [Description("Remove clefts of fewer voxels (100 at 40x4x4 nm = 64,000 nm3, far below a real cleft).")]
    [DefaultValue(CleftLabelling.DefaultMinSize)]
    public long MinSize { get; init; } = CleftLabelling.DefaultMinSize;

    [CommandOption("--overlap <F>")]
    [Description("Fraction of a window shared with its neighbours (0.5: stride = window/2).")]
    [DefaultValue(0.5)]
    public double Overlap { get; init; } = 0.5;

    [CommandOption("--batch <N>")]
    [Description("Windows per forward pass.")]
    [DefaultValue(2)]
    public int Batch { get; init; } = 2;

    [CommandOption("--window <Z,Y,X>")]
    [Description("Inference window. Default: the model's training window (32,64,64 for --arch seed).")]
    public string? Window { get; init; }

    [CommandOption("--slab <N>")]
    [Description("Input sections read and preprocessed at a time (memory grows with it, not with the volume).")]
    [DefaultValue(32)]
    public int Slab { get; init; } = 32;

    [CommandOption("--tta")]
    [Description("Test-time augmentation: average over the 8 flip combinations on z, y, x (8x slower).")]
    public bool Tta { get; init; }

    [CommandOption("--device <DEVICE>")]
    [DefaultValue("auto")]
    public string Device { get; init; } = "auto";

    [CommandOption("--arch <ARCH>")]
    [Description("seed: MODEL is the Python tool's PyTorch state_dict (.pth) of its network.")]
    public string? Arch { get; init; }

    [CommandOption("--filters <N>")]
    [Description("Filters of the seed network in the .pth (the Python tool's: 64).")]
    [DefaultValue(64)]
    public int Filters { get; init; } = 64;

    [CommandOption("--naive")]
    [Description("The Python tool's generation: stride = window, batch 1, no blending, per-window min/max, partial windows skipped.")]
    public bool Naive { get; init; }

    [CommandOption("--display")]
    [Description("When done, serve the data and the new mask to Neuroglancer (as `cremi display`) until Ctrl-C.")]
    public bool Display { get; init; }

    [CommandOption("--port <PORT>")]
    [Description("Port for --display (loopback only; 0 picks a free one).")]
    [DefaultValue(9000)]
    public int Port { get; init; } = 9000;

    [CommandOption("--overwrite")]
    public bool Overwrite { get; init; }

    [CommandOption("--resample <MODE>")]
    [Description("auto: when the data's pixels differ from the model's by more than 15 %, sections are resized to the model's pixel size for the network and the scores back; off: as stored (with a warning).")]
    [DefaultValue("auto")]
    public string Resample { get; init; } = "auto";

    /// <summary>Whether to resample in-plane when the pixel sizes differ; bad values are user errors.</summary>
    public bool ResampleInPlane() => Resample.Trim().ToLowerInvariant() switch
    {
        "auto" => !Naive,
        "off" => false,
        _ => throw new UserInputException($"--resample '{Resample}': expected auto or off"),
    };

    /// <summary>Seed filters when MODEL is a .pth, null for a model file; bad values are user errors.</summary>
    public int? SeedFilters() => Arch?.Trim().ToLowerInvariant() switch
    {
        null or "" or "unet" => null,
        "seed" when Filters >= 1 => Filters,
        "seed" => throw new UserInputException($"--filters must be at least 1 (got {Filters})"),
        _ => throw new UserInputException($"--arch '{Arch}': expected seed (for a .pth) or nothing (for a model.cremi)"),
    };

    public CleftLabelling Labelling(double modelThreshold)
    {
        foreach (var (name, value) in new[] { ("--threshold", Threshold), ("--low", Low), ("--high", High) })
            if (value is { } v && (v is < 0 or > 1 || double.IsNaN(v)))
                throw new UserInputException($"{name} must be in [0, 1] (got {v})");
        if (Low > High) throw new UserInputException($"--low {Low} is above --high {High}");
        if (MinSize < 0) throw new UserInputException($"--min-size must be 0 or more (got {MinSize})");
        return new CleftLabelling(Threshold ?? modelThreshold, Low, High, MinSize);
    }

    public SlidingWindowOptions Windows(Shape3 modelWindow)
    {
        var window = Window is null ? modelWindow : Shape3.Parse(Window);
        if (Overlap is < 0 or >= 1) throw new UserInputException($"--overlap must be in [0, 1) (got {Overlap})");
        if (Batch < 1) throw new UserInputException($"--batch must be at least 1 (got {Batch})");
        if (Slab < 1) throw new UserInputException($"--slab must be at least 1 (got {Slab})");
        return new SlidingWindowOptions { Window = window, Overlap = Overlap, BatchSize = Batch, Tta = Tta, SlabDepth = Slab };
    }
}
