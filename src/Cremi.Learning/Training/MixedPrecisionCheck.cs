using Cremi.Learning.Devices;
using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// Before a mixed-precision run: the bfloat16 copy's output and gradients against the float32 network's, for the very
/// architecture on the very device (random weights, twice the smallest window). Kernel libraries differ in their
/// bfloat16 support, and a wrong kernel trains silently into garbage. Seen here: on this AMD EPYC (AVX-512 BF16),
/// libtorch-cpu 2.10's oneDNN bfloat16 convolutions are wrong (outputs 60-110 % off, gradients up to infinite), while
/// at ONEDNN_MAX_CPU_ISA=AVX2 the outputs are within 1.0-1.4 % and the gradients within 0.9-5.1 % (unet f4-f16, three
/// draws each): bfloat16 keeps 8 significant bits and the gradients of a random network sum many cancelling terms.
/// On an H100 with cuDNN 9.19 (unet f16): outputs within 1.4 %, gradients within 3.1 %.
/// </summary>
public static class MixedPrecisionCheck
{
    /// <summary>Largest accepted output error, relative to the largest output.</summary>
    public const double ForwardTolerance = 0.10;

    /// <summary>Largest accepted gradient error: the norm of all differences over the norm of all float32 gradients.</summary>
    public const double GradientTolerance = 0.25;

    /// <summary>Output and gradient errors of <paramref name="spec"/>'s bfloat16 copy on <paramref name="device"/>.</summary>
    public static (double Forward, double Gradient) Errors(ModelSpec spec, Device device, ScalarType dtype = ScalarType.BFloat16)
    {
        using var scope = NewDisposeScope();
        using var model = spec.Build();
        model.to(device);
        model.train();
        using var replica = new MixedPrecisionReplica(spec, model, device, dtype);
        var m = spec.RequiredMultiple;
        var input = rand([2, spec.InChannels, 2 * m.Z, 2 * m.Y, 2 * m.X], device: device);

        var exact = model.forward(input);
        ScalarMath.Square(exact).mean().backward();
        var reference = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
        foreach (var p in model.parameters()) p.grad = null;
        var mixed = replica.Forward(input);
        ScalarMath.Square(mixed).mean().backward();
        replica.GradientsToMaster();

        using var tiny = 1e-30.ToScalar();
        var forward = ((mixed - exact).abs().max() / exact.abs().max().clamp_min(tiny)).item<float>();
        double difference = 0, norm = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            difference += Math.Pow((parameter.grad! - reference[name]).norm().item<float>(), 2);
            norm += Math.Pow(reference[name].norm().item<float>(), 2);
        }
        return (forward, Math.Sqrt(difference / Math.Max(norm, 1e-30)));
    }

    /// <summary>Throws, naming the remedy, when the device's bfloat16 kernels get <paramref name="spec"/> wrong; returns the errors otherwise.</summary>
    public static (double Forward, double Gradient) Require(ModelSpec spec, Device device)
    {
        var errors = Errors(spec, device);
        if (!(errors.Forward <= ForwardTolerance) || !(errors.Gradient <= GradientTolerance))
        {
            var kernels = device.type == DeviceType.CPU ? $"; oneDNN kernels {CpuKernels.Description}" : "";
            throw new InvalidOperationException(
                $"this device's bfloat16 kernels are wrong for this network (outputs {errors.Forward:P1} and gradients " +
                $"{errors.Gradient:P1} off float32's, at most {ForwardTolerance:P0} and {GradientTolerance:P0} expected{kernels}): " +
                "train with --precision fp32");
        }
        return errors;
    }
}
