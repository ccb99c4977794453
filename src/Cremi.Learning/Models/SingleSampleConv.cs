using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Cremi.Learning.Models;

/// <summary>
/// A 3D convolution that stays on oneDNN for a batch of one sample on the CPU.
/// <para>libtorch 2.10 chooses the backend in <c>ConvParams::use_mkldnn</c>: a float CPU input goes to oneDNN when the
/// batch has more than one sample, the convolution is grouped, the kernel is wider than 3 on both in-plane axes, or
/// N·C·D·H exceeds 20,480 ("for some case, native is faster"); otherwise to the im2col "Slow3d" path. With
/// <c>--batch 1</c> every level of the default CPU network falls below that (8 channels × 16 sections × 128 rows =
/// 16,384 at the top), and a training step of one 16×128×128 window took 3.2 s where two windows take 0.86 s.</para>
/// <para>The same convolution written as two groups over the input repeated along the channels, each group computing
/// half of the output channels with the unchanged weights, is the same sum term for term, and a grouped convolution
/// always goes to oneDNN: 31 ms instead of 129 ms forward and backward for the top level's 8→8 1×3×3 convolution
/// (two samples: 29 ms). Used only where libtorch would take the slow path; elsewhere the call is plain.</para>
/// </summary>
public static class SingleSampleConv
{
    /// <summary>libtorch's N·C·D·H above which a one-sample convolution goes to oneDNN anyway.</summary>
    public const long OneDnnThreshold = 20480;

    /// <summary>
    /// Voxels of a map below which the slow path is kept: on a small map of many channels its matrix product is the
    /// faster one (the seed network's 1024-channel 2×4×4 bottom: 24 ms plain, 98 ms grouped; 512 channels at 4×8×8:
    /// 26 against 32 ms), while from 8×16×16 voxels on the grouped form wins (128 channels: 40 against 28 ms).
    /// </summary>
    public const long MinVoxels = 1024;

    /// <summary>
    /// True when libtorch would run this stride-1 convolution on its slow path and the grouped form applies: a CPU float
    /// map of one sample with at least two channels and <see cref="MinVoxels"/> voxels, an even number of output
    /// channels, a kernel larger than 1×1×1 (libtorch's own choice for those is fine) and not wider than 3 on both
    /// in-plane axes.
    /// </summary>
    public static bool Applies(Tensor input, Tensor weight)
    {
        if (input.device_type != DeviceType.CPU || input.dtype != ScalarType.Float32 || input.dim() != 5) return false;
        // Each `shape` read copies the sizes out of libtorch: once per tensor, as this runs before every convolution.
        var (n, k) = (input.shape, weight.shape);
        return n[0] == 1 && n[1] >= 2 && k[0] % 2 == 0
            && n[2] * n[3] * n[4] >= MinVoxels
            && k[2] * k[3] * k[4] > 1
            && !(k[3] > 3 && k[4] > 3)
            && n[1] * n[2] * n[3] <= OneDnnThreshold;
    }

    /// <summary><c>functional.conv3d(input, weight, bias, padding)</c> (stride and dilation 1), on oneDNN for one sample.</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, long[] padding)
    {
        if (!Applies(input, weight)) return functional.conv3d(input, weight, bias, padding: padding);
        // Group g reads channels [g·C, (g+1)·C) of the doubled input, i.e. the input itself, and writes output
        // channels [g·Cout/2, (g+1)·Cout/2) with weight rows of the same range: exactly the plain convolution.
        using var doubled = cat([input, input], 1);
        return functional.conv3d(doubled, weight, bias, padding: padding, groups: 2);
    }

    /// <summary>A 'same' <see cref="TorchSharp.Modules.Conv3d"/> module of stride 1 applied through <see cref="Conv3d(Tensor, Tensor, Tensor?, long[])"/>.</summary>
    public static Tensor Forward(TorchSharp.Modules.Conv3d conv, Tensor input, long[] padding) =>
        Conv3d(input, conv.weight!, conv.bias, padding);
}
