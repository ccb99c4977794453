using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class ReceptiveFieldTests(ITestOutputHelper output)
{
    [Fact]
    public void A_single_level_net_sees_two_kernels_wide()
    {
        var spec = ModelSpec.Unet(filters: 2, depth: 1, inPlaneLevels: 1, norm: NormKind.None);
        Assert.Equal(new Shape3(1, 5, 5), ReceptiveField.Of(spec));
    }

    [Fact]
    public void The_analytic_field_of_each_network_is_reported()
    {
        var ours = ReceptiveField.Of(new ModelSpec());
        var seed = ReceptiveField.Of(ModelSpec.Seed());
        output.WriteLine($"unet default: {ours}; seed: {seed}");
        Assert.True(ours.Y > ours.Z && ours.Y == ours.X, $"anisotropic: {ours}");
        Assert.True(seed.Z == seed.Y && seed.Y == seed.X, $"isotropic: {seed}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_analytic_interval_is_the_set_of_input_voxels_with_nonzero_gradient(int offset)
    {
        // Norm none (statistics would couple every voxel); positive weights and inputs keep every ReLU open; the
        // union over a batch of random inputs and several channels reaches every max-pool position.
        var spec = ModelSpec.Unet(filters: 2, depth: 3, inPlaneLevels: 1, norm: NormKind.None) with { Residual = true };
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = spec.Build();
        // float64: the input gradient of a single-channel float32 convolution is garbage with oneDNN's AVX2/AVX-512
        // kernels here (training never needs it; see CpuGradientCheck), and this test is about the receptive field.
        model.to(ScalarType.Float64);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.EndsWith("weight", StringComparison.Ordinal)) p.abs_(); else p.zero_();
        var window = new Shape3(26, 56, 56);
        var at = new Shape3(window.Z / 2 + offset, window.Y / 2 + offset, window.X / 2 + 2 * offset);
        var input = rand(new long[] { 4, 1, window.Z, window.Y, window.X }, dtype: ScalarType.Float64).requires_grad_(true);

        var prediction = model.forward(input);
        prediction[.., 0, at.Z, at.Y, at.X].sum().backward();

        var gradient = input.grad!.abs().sum([0, 1]); // (z, y, x)
        Assert.True(isfinite(gradient).all().item<bool>(), "gradients must be finite");
        var (first, last) = ReceptiveField.At(spec, at);
        Assert.True(first.Z > 0 && first.Y > 0 && first.X > 0 && last.Z < window.Z - 1 && last.Y < window.Y - 1,
            $"window too small for {first}..{last}");
        int[] Extent(int axis)
        {
            var others = Enumerable.Range(0, 3).Where(a => a != axis).Select(a => (long)a).ToArray();
            var indices = nonzero(gradient.sum(others) > 0).flatten();
            return [(int)indices.min().item<long>(), (int)indices.max().item<long>()];
        }
        var (z, y, x) = (Extent(0), Extent(1), Extent(2));
        output.WriteLine($"output {at}: analytic {first}..{last}; gradient z {z[0]}..{z[1]}, y {y[0]}..{y[1]}, x {x[0]}..{x[1]}");
        Assert.Equal([first.Z, last.Z], z);
        Assert.Equal([first.Y, last.Y], y);
        Assert.Equal([first.X, last.X], x);
    }
}
