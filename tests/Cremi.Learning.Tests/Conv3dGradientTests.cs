using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

/// <summary>Guards the oneDNN workaround (Cremi.Learning.Devices.OneDnnWorkaround): float32 gradients through two Conv3d equal float64's.</summary>
public sealed class Conv3dGradientTests(ITestOutputHelper output)
{
    [Fact]
    public void Float32_gradients_through_stacked_conv3d_match_float64()
    {
        for (var round = 0; round < 3; round++)
        {
            using var scope = NewDisposeScope();
            using (var dirt = full(new long[] { 4, 1024, 1024 }, float.NaN)) dirt.add_(1); // freed memory full of NaN
            var x = rand(new long[] { 2, 2, 8, 32, 32 }, dtype: ScalarType.Float64);
            var w1 = randn(new long[] { 2, 2, 3, 3, 3 }, dtype: ScalarType.Float64) * 0.2;
            var w2 = randn(new long[] { 2, 2, 1, 3, 3 }, dtype: ScalarType.Float64) * 0.2;
            Tensor[] Gradients(ScalarType type)
            {
                var (xi, a, b) = (x.to(type).detach().requires_grad_(true), w1.to(type).detach().requires_grad_(true),
                    w2.to(type).detach().requires_grad_(true));
                var y = nn.functional.conv3d(nn.functional.conv3d(xi, a, padding: [1, 1, 1]), b, padding: [0, 1, 1]);
                y.square().sum().backward();
                return [xi.grad!.to(ScalarType.Float64), a.grad!.to(ScalarType.Float64), b.grad!.to(ScalarType.Float64)];
            }
            var reference = Gradients(ScalarType.Float64);
            var single = Gradients(ScalarType.Float32);
            var errors = reference.Zip(single, (r, s) => ((s - r).abs().max() / r.abs().max()).item<double>()).ToArray();
            output.WriteLine($"round {round}: relative errors input {errors[0]:G3}, conv1 weight {errors[1]:G3}, conv2 weight {errors[2]:G3}");
            Assert.All(errors, e => Assert.True(e < 1e-5, $"float32 conv3d gradient off by {e:G3} relative (NaN = garbage)"));
        }
    }
}
