using Cremi.Learning.Devices;
using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// Before training on the CPU: the float32 gradients of the very architecture to be trained (same channel counts, twice
/// the smallest window it accepts) against float64's. libtorch-cpu 2.10's oneDNN AVX2/AVX-512 kernels compute wrong conv3d
/// gradients on some CPUs (on our AMD EPYC: channels-first maps with 2 or 8 output channels, NaN or 10-100 % off; and
/// the input gradient of a single-channel convolution). Our networks avoid those kernels (their feature maps are
/// channels-last, where every gradient matches float64 at every ISA here, and the network input needs no gradient),
/// but other CPUs and libtorch builds pick other kernels: this check turns a silently wrong training into a clear
/// error before the first step. float64 convolutions never go through oneDNN, so they are the reference. Takes well
/// under a second for the unet; networks above <see cref="MaxParameters"/> are skipped (their float64 copy is large).
/// </summary>
public static class CpuGradientCheck
{
    /// <summary>
    /// Largest relative gradient error accepted. Float32 rounding through a whole network on this small window, with
    /// norms over few voxels, reaches 1.2 % with every kernel choice (seed network at 8 filters, unet at 4; AVX and
    /// best alike, six random draws each); the wrong kernels give NaN or errors of 10-100 %.
    /// </summary>
    public const double Tolerance = 0.05;

    public const long MaxParameters = 5_000_000;

    /// <summary>The worst relative error over all parameter gradients, or null when the network is too large to check.</summary>
    public static (double Error, string Parameter)? Worst(ModelSpec spec)
    {
        if (spec.ParameterCount() > MaxParameters) return null;
        var m = spec.RequiredMultiple;
        return Worst(spec.Build, [2, spec.InChannels, 2 * m.Z, 2 * m.Y, 2 * m.X]);
    }

    /// <summary>The comparison itself, for any module: two copies with the same weights, float32 and float64.</summary>
    internal static (double Error, string Parameter) Worst(Func<nn.Module<Tensor, Tensor>> build, long[] inputShape)
    {
        using var scope = NewDisposeScope();
        using var model = build();
        using var model64 = build();
        model64.load_state_dict(model.state_dict());
        model64.to(ScalarType.Float64);
        var input = rand(inputShape);
        ScalarMath.Square(model.forward(input)).mean().backward();
        ScalarMath.Square(model64.forward(input.to(ScalarType.Float64))).mean().backward();
        var reference = model64.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        // Errors are Euclidean norms of the difference over the reference's (single rounding outliers barely count; a
        // wrong kernel spoils whole tensors). A bias right before a norm has a true gradient of zero, so the scale is
        // never less than 1 % of the network's largest gradient norm.
        var largest = reference.Values.Max(g => g.norm().item<double>());
        (double Error, string Parameter) worst = (0, "");
        foreach (var (name, parameter) in model.named_parameters())
        {
            var r = reference[name];
            var scale = Math.Max(r.norm().item<double>(), Math.Max(1e-2 * largest, 1e-30));
            var error = (parameter.grad!.to(ScalarType.Float64) - r).norm().item<double>() / scale;
            if (double.IsNaN(error)) return (double.NaN, name);
            if (error > worst.Error) worst = (error, name);
        }
        return worst;
    }

    /// <summary>Throws, naming the remedy, when this CPU's float32 gradients of <paramref name="spec"/> are wrong.</summary>
    public static void Require(ModelSpec spec, Device device)
    {
        if (device.type != DeviceType.CPU || Worst(spec) is not var (error, name)) return;
        if (!(error <= Tolerance))
            throw new InvalidOperationException(
                $"this CPU's float32 conv3d gradients are wrong for this network ({name} off by {error:G3} relative to float64; " +
                $"oneDNN kernels {CpuKernels.Description}): set the environment variable {CpuKernels.IsaVariable}=AVX2 (or AVX, " +
                "slower but safe everywhere we checked) and start the training again");
    }
}
