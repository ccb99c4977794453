using Cremi.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Cremi.Learning.Tests;

/// <summary>The 2D execution of depth-1 Conv3d kernels gives the Conv3d's own outputs and gradients.</summary>
public sealed class InPlaneConvolutionTests
{
    [Theory]
    [InlineData(1, 3, 3, true)]
    [InlineData(1, 5, 3, false)]
    [InlineData(3, 3, 3, true)] // not depth 1: runs the Conv3d itself
    public void Matches_the_conv3d_in_value_and_gradient(long kz, long ky, long kx, bool bias)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var conv = Conv3d(3, 5, (kz, ky, kx), padding: (kz / 2, ky / 2, kx / 2), bias: bias, dtype: ScalarType.Float64);
        var input = randn(new long[] { 2, 3, 4, 12, 10 }, dtype: ScalarType.Float64);
        var upstream = randn(new long[] { 2, 5, 4, 12, 10 }, dtype: ScalarType.Float64);

        (Tensor Output, Tensor Input, Tensor Weight) Run(Func<Tensor, Tensor> f)
        {
            conv.zero_grad();
            var x = input.detach().requires_grad_(true);
            var y = f(x);
            (y * upstream).sum().backward();
            return (y.detach(), x.grad!.detach().clone(), conv.weight!.grad!.detach().clone());
        }

        var expected = Run(conv.forward);
        var actual = Run(x => InPlaneConvolution.Apply(conv, x));
        Assert.Equal(expected.Output.shape, actual.Output.shape);
        Assert.True(expected.Output.allclose(actual.Output, rtol: 1e-10, atol: 1e-12), "outputs differ");
        Assert.True(expected.Input.allclose(actual.Input, rtol: 1e-10, atol: 1e-12), "input gradients differ");
        Assert.True(expected.Weight.allclose(actual.Weight, rtol: 1e-10, atol: 1e-12), "weight gradients differ");
    }

    /// <summary>oneDNN's float32 convolution gradients are wrong for few-channel layers on some ISAs (see
    /// Conv3dGradientTests); the 2D kernels this path uses must be correct under the same workaround.</summary>
    [Fact]
    public void Float32_gradients_of_few_channel_layers_match_float64()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        foreach (var (cin, cout) in new[] { (1L, 2L), (2L, 2L), (4L, 8L), (8L, 8L) })
        {
            var input = rand(new long[] { 2, cin, 8, 32, 32 }, dtype: ScalarType.Float64);
            var weight = randn(new long[] { cout, cin, 1, 3, 3 }, dtype: ScalarType.Float64) * 0.3;
            Tensor[] Gradients(ScalarType type)
            {
                using var conv = Conv3d(cin, cout, (1, 3, 3), padding: (0, 1, 1), bias: false, dtype: type);
                using (no_grad()) conv.weight!.copy_(weight);
                var x = input.to(type).detach().requires_grad_(true);
                InPlaneConvolution.Apply(conv, x).square().sum().backward();
                return [x.grad!.to(ScalarType.Float64), conv.weight!.grad!.to(ScalarType.Float64)];
            }
            var reference = Gradients(ScalarType.Float64);
            var single = Gradients(ScalarType.Float32);
            foreach (var (r, s) in reference.Zip(single))
            {
                var error = ((s - r).abs().max() / r.abs().max()).item<double>();
                Assert.True(error < 1e-5, $"{cin}->{cout} channels: float32 gradient off by {error:G3} relative");
            }
        }
    }
}
