using System.Text.Json;
using System.Text.Json.Serialization;
using Cremi.Core.Volumes;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Cremi.Learning.Models;

/// <summary>Which network: the Python tool's (<c>seed</c>) or ours (<c>unet</c>).</summary>
public enum Architecture { Unet, Seed }

/// <summary>Normalisation after each convolution of <see cref="UNet3D"/>.</summary>
public enum NormKind { Batch, Group, Instance, None }

/// <summary>
/// Everything that builds a network, serialisable to JSON so that a saved model carries it.
/// <para><c>unet</c>: level i (0 = full resolution) has two convolutions of kernel <see cref="Kernels"/>[i] with
/// <see cref="Filters"/>·2^i channels; <see cref="Pools"/>[i] is the max-pool between level i and i+1 (and the
/// transposed-convolution factor on the way back up). Depth = Kernels.Count = Pools.Count + 1.</para>
/// <para><c>seed</c>: only <see cref="Filters"/> counts; the layout is fixed (see <see cref="SeedUNet3D"/>).</para>
/// </summary>
public sealed record ModelSpec
{
    public Architecture Arch { get; init; } = Architecture.Unet;

    /// <summary>Channels of the first level; doubled per level.</summary>
    public int Filters { get; init; } = 16;

    /// <summary>Convolution kernel (z,y,x) of each level, top first.</summary>
    public IReadOnlyList<Shape3> Kernels { get; init; } = DefaultKernels;

    /// <summary>Pooling factor (z,y,x) below each level but the deepest, top first.</summary>
    public IReadOnlyList<Shape3> Pools { get; init; } = DefaultPools;

    public NormKind Norm { get; init; } = NormKind.Group;

    /// <summary>Groups of group norm (capped at the channel count; must divide it).</summary>
    public int Groups { get; init; } = 8;

    /// <summary>Probability of Dropout3d (whole channels) after the first convolution of each block; 0 = none.</summary>
    public double Dropout { get; init; }

    /// <summary>Residual blocks (x + F(x), 1×1×1 projection when channels change) instead of plain double convs.</summary>
    public bool Residual { get; init; } = true;

    public int InChannels { get; init; } = 1;

    public int OutChannels { get; init; } = 1;

    /// <summary>Levels of the U (1 = no pooling).</summary>
    public int Depth => Arch == Architecture.Seed ? 5 : Kernels.Count;

    /// <summary>True for our network (logits out); the seed network ends with a sigmoid (probabilities out).</summary>
    public bool OutputsLogits => Arch == Architecture.Unet;

    /// <summary>CREMI (40×4×4 nm): two in-plane levels (kernel 1×3×3, pool 1×2×2), then 3D (3×3×3, 2×2×2).</summary>
    public static IReadOnlyList<Shape3> DefaultKernels { get; } =
        [new(1, 3, 3), new(1, 3, 3), new(3, 3, 3), new(3, 3, 3)];

    public static IReadOnlyList<Shape3> DefaultPools { get; } = [new(1, 2, 2), new(1, 2, 2), new(2, 2, 2)];

    /// <summary>The Python tool's network.</summary>
    public static ModelSpec Seed(int filters = SeedUNet3D.DefaultFilters) =>
        new() { Arch = Architecture.Seed, Filters = filters, Kernels = [], Pools = [], Norm = NormKind.Instance, Residual = false };

    /// <summary>
    /// Our U-Net with <paramref name="depth"/> levels: the first <paramref name="inPlaneLevels"/> levels convolve and pool
    /// only in-plane (1×3×3, 1×2×2), the others in 3D (3×3×3, 2×2×2).
    /// </summary>
    public static ModelSpec Unet(int filters = 16, int depth = 4, int inPlaneLevels = 2, NormKind norm = NormKind.Group)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be at least 1");
        var kernels = Enumerable.Range(0, depth).Select(i => i < inPlaneLevels ? new Shape3(1, 3, 3) : new Shape3(3, 3, 3));
        var pools = Enumerable.Range(0, depth - 1).Select(i => i < inPlaneLevels ? new Shape3(1, 2, 2) : new Shape3(2, 2, 2));
        return new ModelSpec { Filters = filters, Kernels = [.. kernels], Pools = [.. pools], Norm = norm };
    }

    /// <summary>Channels at level i.</summary>
    public long Channels(int level) => (long)Filters << level;

    /// <summary>The product of the pooling factors per axis: window sides must be multiples of it.</summary>
    public Shape3 RequiredMultiple => Arch == Architecture.Seed
        ? new Shape3(SeedUNet3D.RequiredMultiple, SeedUNet3D.RequiredMultiple, SeedUNet3D.RequiredMultiple)
        : Pools.Aggregate(new Shape3(1, 1, 1), (a, p) => new Shape3(a.Z * p.Z, a.Y * p.Y, a.X * p.X));

    /// <summary>The problems with this spec, empty when it builds.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Filters < 1) problems.Add($"filters must be at least 1 (got {Filters})");
        if (InChannels < 1 || OutChannels < 1) problems.Add("in and out channels must be at least 1");
        if (Arch == Architecture.Seed)
        {
            if (InChannels != 1 || OutChannels != 1) problems.Add("the seed network has exactly 1 input and 1 output channel");
            return problems;
        }
        if (Kernels.Count < 1) problems.Add("at least one level (kernel) is needed");
        if (Pools.Count != Kernels.Count - 1)
            problems.Add($"{Kernels.Count} levels need {Kernels.Count - 1} pooling factors, got {Pools.Count}");
        foreach (var k in Kernels)
            if (k.Z < 1 || k.Y < 1 || k.X < 1 || k.Z % 2 == 0 || k.Y % 2 == 0 || k.X % 2 == 0)
                problems.Add($"kernel {k} must be odd and positive on every axis ('same' padding)");
        foreach (var p in Pools)
            if (p.Z < 1 || p.Y < 1 || p.X < 1) problems.Add($"pooling factor {p} must be positive on every axis");
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) problems.Add($"dropout must be in [0, 1) (got {Dropout})");
        if (Norm == NormKind.Group)
        {
            if (Groups < 1) problems.Add($"groups must be at least 1 (got {Groups})");
            else
                for (var level = 0; level < Kernels.Count; level++)
                {
                    var c = Channels(level);
                    if (c % Math.Min(Groups, c) != 0)
                        problems.Add($"group norm: {Math.Min(Groups, c)} groups do not divide the {c} channels of level {level}");
                }
        }
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public ModelSpec Validated()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException($"invalid model spec: {string.Join("; ", problems)}");
        return this;
    }

    /// <summary>
    /// Checks that a window (z,y,x) passes through every pooling without remainder, so that output size = input size.
    /// The message names the required multiples and the nearest valid window.
    /// </summary>
    public void ValidateWindow(Shape3 window)
    {
        var m = RequiredMultiple;
        if (window.Z > 0 && window.Y > 0 && window.X > 0 && window.Z % m.Z == 0 && window.Y % m.Y == 0 && window.X % m.X == 0)
            return;
        static int Round(int side, int multiple) => Math.Max(multiple, (int)Math.Round((double)side / multiple) * multiple);
        var nearest = new Shape3(Round(window.Z, m.Z), Round(window.Y, m.Y), Round(window.X, m.X));
        throw new ArgumentException(
            $"window {window} does not fit the {Arch.ToString().ToLowerInvariant()} network: its sides (z,y,x) must be " +
            $"positive multiples of {m.Z},{m.Y},{m.X} (the product of its pooling factors); nearest valid window: {nearest}");
    }

    /// <summary>Builds the module (on the CPU; move it with <c>.to(device)</c>).</summary>
    public Module<Tensor, Tensor> Build()
    {
        Validated();
        return Arch == Architecture.Seed ? new SeedUNet3D(Filters) : new UNet3D(this);
    }

    /// <summary>Trainable parameters, in closed form (no module is built).</summary>
    public long ParameterCount() =>
        Arch == Architecture.Seed ? SeedUNet3D.ParameterCount(Filters) : UNet3D.ParameterCount(this);

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ModelSpec FromJson(string json) =>
        (JsonSerializer.Deserialize<ModelSpec>(json, JsonOptions)
         ?? throw new JsonException("a model spec is expected, got null")).Validated();

    public bool Equals(ModelSpec? other) => other is not null && ToJson() == other.ToJson();

    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);
}
