using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Cremi.Learning.Models;

/// <summary>
/// The Python tool's network, layer for layer (see shared/SEED.md): isotropic 2×2×2 pooling on four levels,
/// instance norm without affine parameters, a sigmoid at the end. Its output is a probability, not a logit.
/// Field names reproduce the 44 PyTorch state_dict keys (<c>inc.weight</c>, <c>down1.conv1.weight</c>,
/// <c>up1.up.weight</c>, <c>up1.conv.conv1.weight</c>, <c>outc.bias</c>, ...), so its .pth loads one to one.
/// </summary>
public sealed class SeedUNet3D : Module<Tensor, Tensor>
{
    /// <summary>The Python tool's filter count.</summary>
    public const int DefaultFilters = 64;

    /// <summary>Window sides must be multiples of this (four 2×2×2 poolings).</summary>
    public const int RequiredMultiple = 16;

#pragma warning disable IDE1006 // field names are the PyTorch module names
    private readonly Conv3d inc;
    private readonly SeedDoubleConv down1, down2, down3, down4;
    private readonly SeedUp up1, up2, up3, up4;
    private readonly Conv3d outc;
#pragma warning restore IDE1006

    public SeedUNet3D(int filters = DefaultFilters) : base(nameof(SeedUNet3D))
    {
        if (filters < 1) throw new ArgumentOutOfRangeException(nameof(filters), filters, "filters must be at least 1");
        Filters = filters;
        var f = (long)filters;
        inc = Conv3d(1, f, kernel_size: 3, padding: 1);
        down1 = new SeedDoubleConv(f, 2 * f, pool: true);
        down2 = new SeedDoubleConv(2 * f, 4 * f, pool: true);
        down3 = new SeedDoubleConv(4 * f, 8 * f, pool: true);
        down4 = new SeedDoubleConv(8 * f, 16 * f, pool: true);
        up1 = new SeedUp(16 * f);
        up2 = new SeedUp(8 * f);
        up3 = new SeedUp(4 * f);
        up4 = new SeedUp(2 * f);
        outc = Conv3d(f, 1, kernel_size: 1);
        RegisterComponents();
    }

    public int Filters { get; }

    /// <summary>Probabilities (N,1,Z,Y,X) for an input (N,1,Z,Y,X) whose spatial sides are multiples of 16.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x1 = ChannelsLast.Of(inc.forward(input)); // the rest follows this layout on the CPU (see ChannelsLast)
        var x2 = down1.forward(x1);
        var x3 = down2.forward(x2);
        var x4 = down3.forward(x3);
        var x5 = down4.forward(x4);
        var x = up1.forward(x5, x4);
        x = up2.forward(x, x3);
        x = up3.forward(x, x2);
        x = up4.forward(x, x1);
        return sigmoid(outc.forward(x)).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The parameter count, in closed form: 90,182,017 at 64 filters.</summary>
    public static long ParameterCount(int filters = DefaultFilters)
    {
        long f = filters;
        static long Conv(long cin, long cout, long k) => cin * cout * k + cout;
        static long Double(long cin, long cout) => Conv(cin, cout, 27) + Conv(cout, cout, 27);
        var total = Conv(1, f, 27) + Conv(f, 1, 1);
        for (var level = 0; level < 4; level++)
        {
            var c = f << level; // channels at the level above the pooling
            total += Double(c, 2 * c); // down
            total += Conv(2 * c, c, 8) + Double(2 * c, c); // up: transposed conv (k2), then the double conv
        }
        return total;
    }
}

/// <summary>
/// [Conv3d k3 p1 → InstanceNorm3d(affine=False) → ReLU] × 2, optionally after a 2×2×2 max-pool (downK). The instance
/// norm is computed as a group norm with one group per channel (the same function, eps 1e-5, no parameters, so the
/// state_dict is unchanged): libtorch's instance norm reshapes its input into one batch of N·C channels, which turns a
/// channels-last map back into channels-first, and oneDNN's AVX2/AVX-512 gradients of channels-first maps with few
/// channels are wrong (see ChannelsLast, CpuGradientCheck); its group norm keeps the layout.
/// </summary>
internal sealed class SeedDoubleConv : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Conv3d conv1, conv2;
#pragma warning restore IDE1006
    private readonly bool _pool;

    public SeedDoubleConv(long inChannels, long outChannels, bool pool) : base(nameof(SeedDoubleConv))
    {
        _pool = pool;
        conv1 = Conv3d(inChannels, outChannels, kernel_size: 3, padding: 1);
        conv2 = Conv3d(outChannels, outChannels, kernel_size: 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = _pool ? functional.max_pool3d(input, [2, 2, 2], [2, 2, 2]) : input;
        // ChannelsLast.Of is a no-op on a channels-last map; SingleSampleConv keeps batch-1 windows (--naive) on oneDNN.
        x = functional.relu(InstanceNorm(ChannelsLast.Of(SingleSampleConv.Forward(conv1, x, Same))));
        x = functional.relu(InstanceNorm(SingleSampleConv.Forward(conv2, x, Same)));
        return x.MoveToOuterDisposeScope();
    }

    private static Tensor InstanceNorm(Tensor x) => GroupNorm3d.Apply(x, x.shape[1], null, null);

    /// <summary>The padding of both 3×3×3 convolutions.</summary>
    private static readonly long[] Same = [1, 1, 1];
}

/// <summary>upK: ConvTranspose3d(C→C/2, k2, s2), cat [skip, upsampled] on channels, double conv C→C/2.</summary>
internal sealed class SeedUp : Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly ConvTranspose3d up;
    private readonly SeedDoubleConv conv;
#pragma warning restore IDE1006

    public SeedUp(long inChannels) : base(nameof(SeedUp))
    {
        up = ConvTranspose3d(inChannels, inChannels / 2, kernel_size: 2, stride: 2);
        conv = new SeedDoubleConv(inChannels, inChannels / 2, pool: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor deeper, Tensor skip)
    {
        using var scope = NewDisposeScope();
        var x = cat([skip, up.forward(deeper)], 1);
        return conv.forward(x).MoveToOuterDisposeScope();
    }
}
