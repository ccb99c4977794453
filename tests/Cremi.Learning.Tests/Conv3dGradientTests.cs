using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using Cremi.Learning.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

/// <summary>
/// oneDNN's AVX2/AVX-512 conv3d backward kernels in libtorch-cpu 2.10 are wrong on our build machines for channels-first
/// maps with few channels (NaN or 10-100 % off, varying with the contents of freed memory). The test process runs with
/// oneDNN's best kernels, as training does: these tests check that the layouts and channel counts our networks train
/// with give float64's gradients there, and that the pre-training check (<see cref="CpuGradientCheck"/>) passes for them.
/// </summary>
public sealed class Conv3dGradientTests(ITestOutputHelper output)
{
    private static Tensor Cl(Tensor t) => t.permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3);

    // (in, out, kernel): the shapes that failed channels-first here (2 or 8 output channels), the 1x1x1 head and a
    // first convolution from one input channel (whose input needs no gradient in training).
    [Theory]
    [InlineData(2, 2, 3)]
    [InlineData(8, 8, 1)]
    [InlineData(16, 8, 1)]
    [InlineData(8, 2, 3)]
    [InlineData(8, 1, 0)]
    [InlineData(1, 8, 1)]
    [InlineData(1, 2, 3)]
    public void Float32_conv3d_gradients_in_the_training_layout_match_float64(int inChannels, int outChannels, int kernelKind)
    {
        long[] kernel = kernelKind switch { 0 => [1, 1, 1], 1 => [1, 3, 3], _ => [3, 3, 3] };
        var firstLayer = inChannels == 1;
        for (var round = 0; round < 3; round++)
        {
            using var scope = NewDisposeScope();
            // Freed memory full of NaN. Every number is an explicit, held Scalar (ScalarMath): an implicit one can be
            // finalized while libtorch reads it when another test's thread collects (CI failed so, in add_(1)).
            using (var nan = float.NaN.ToScalar())
                full(new long[] { 4, 1024, 1024 }, nan).Dispose();
            var x = rand(new long[] { 2, inChannels, 8, 32, 32 }, dtype: ScalarType.Float64);
            var w = ScalarMath.Times(randn(new long[] { outChannels, inChannels, kernel[0], kernel[1], kernel[2] }, dtype: ScalarType.Float64), 0.2);
            var padding = kernel.Select(k => k / 2).ToArray();
            Tensor[] Gradients(ScalarType type)
            {
                var xi = type == ScalarType.Float64 || firstLayer ? x.to(type) : Cl(x.to(type));
                xi = xi.detach().requires_grad_(!firstLayer);
                var wi = w.to(type).detach().requires_grad_(true);
                var y = nn.functional.conv3d(xi, wi, padding: padding);
                ScalarMath.Square(y).sum().backward();
                return firstLayer ? [wi.grad!.to(ScalarType.Float64)] : [xi.grad!.to(ScalarType.Float64), wi.grad!.to(ScalarType.Float64)];
            }
            var reference = Gradients(ScalarType.Float64);
            var single = Gradients(ScalarType.Float32);
            var errors = reference.Zip(single, (r, s) => ((s - r).abs().max() / r.abs().max()).item<double>()).ToArray();
            output.WriteLine($"round {round}: relative errors {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
            Assert.All(errors, e => Assert.True(e < 1e-5, $"float32 conv3d gradient off by {e:G3} relative (NaN = garbage)"));
        }
    }

    public static TheoryData<string> Networks => new() { "unet 4", "unet 8", "unet 16", "seed 2", "seed 8" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_pre_training_check_passes_for_our_networks(string network)
    {
        var parts = network.Split(' ');
        var filters = int.Parse(parts[1]);
        var spec = parts[0] == "seed" ? ModelSpec.Seed(filters) : ModelSpec.Unet(filters);
        manual_seed(5);
        var worst = CpuGradientCheck.Worst(spec);
        Assert.NotNull(worst);
        output.WriteLine($"{network}: worst {worst.Value.Error:G3} at {worst.Value.Parameter}");
        Assert.True(worst.Value.Error <= CpuGradientCheck.Tolerance, $"{worst.Value.Parameter} off by {worst.Value.Error:G3}");
        CpuGradientCheck.Require(spec, CPU);
    }

    [Fact]
    public void The_check_skips_networks_too_large_for_a_float64_copy() =>
        Assert.Null(CpuGradientCheck.Worst(ModelSpec.Seed(64)));

    [Fact]
    public void The_check_reports_float32_gradients_that_differ_from_float64s()
    {
        manual_seed(5);
        var (error, name) = CpuGradientCheck.Worst(() => new SkewedInFloat32(), [2, 1, 4, 16, 16]);
        Assert.Equal("conv.weight", name);
        Assert.True(error > CpuGradientCheck.Tolerance, $"{error:G3}");
    }

    /// <summary>A stand-in for a wrong kernel: its float32 output (and so every gradient) is 10 % larger than float64's.</summary>
    private sealed class SkewedInFloat32 : nn.Module<Tensor, Tensor>
    {
#pragma warning disable IDE1006
        private readonly TorchSharp.Modules.Conv3d conv = nn.Conv3d(1, 2, 3, padding: 1, bias: false);
#pragma warning restore IDE1006

        public SkewedInFloat32() : base(nameof(SkewedInFloat32)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var y = conv.forward(input);
            return input.dtype == ScalarType.Float32 ? Cremi.Learning.Tensors.ScalarMath.Times(y, 1.1) : y;
        }
    }
}
