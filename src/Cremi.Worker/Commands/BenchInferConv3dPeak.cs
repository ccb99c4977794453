using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Worker.Commands;

/// <summary>This machine's conv3d throughput on a large, well-shaped convolution: the ceiling inference can reach.</summary>
internal static class Conv3dPeak
{
    /// <summary>
    /// FLOP/s of a 64→64-channel 3×3×3 convolution on 1×64×32×64×64, the best of several runs after a warm-up. The
    /// best, not the mean: it is the ceiling, and on a shared machine single runs vary by ±15 %.
    /// </summary>
    public static double Measure(Device device, int runs = 7)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var conv = nn.Conv3d(64, 64, 3, padding: 1).to(device);
        var input = randn([1, 64, 32, 64, 64], device: device);
        const double flops = 2.0 * 64 * 64 * 27 * 32 * 64 * 64;
        for (var i = 0; i < 2; i++) conv.forward(input).Dispose();
        var best = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var y = conv.forward(input);
            if (device.type == DeviceType.CUDA) cuda.synchronize();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return flops / best;
    }
}
