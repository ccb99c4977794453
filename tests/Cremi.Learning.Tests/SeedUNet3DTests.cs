using Cremi.Learning.Models;
using Cremi.Learning.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class SeedUNet3DTests(ITestOutputHelper output)
{
    [Fact]
    public void Its_state_dict_keys_are_the_44_keys_of_the_python_tool_in_order()
    {
        using var model = new SeedUNet3D(filters: 2);
        var expected = File.ReadAllLines(Npy.Fixture("seed_keys.txt")).Where(l => l.Length > 0).ToArray();
        Assert.Equal(44, expected.Length);
        Assert.Equal(expected, model.state_dict().Keys.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_closed_form_parameter_count_matches_the_module(int filters)
    {
        using var model = new SeedUNet3D(filters);
        Assert.Equal(model.parameters().Sum(p => p.numel()), SeedUNet3D.ParameterCount(filters));
    }

    [Fact]
    public void At_64_filters_it_has_the_python_tools_90_182_017_parameters()
    {
        Assert.Equal(90_182_017, SeedUNet3D.ParameterCount(64));
        Assert.Equal(90_182_017, ModelSpec.Seed().ParameterCount());
        // Building it takes ~9 s here; the module's count is a quadratic in the filter count (every layer is
        // c_in·c_out·k + c_out with channels proportional to F), and the closed form equals it at 1, 2 and 3 filters
        // (test above), so the two quadratics are identical. make_fixtures.py asserts 90,182,017 in PyTorch too.
    }

    [Fact]
    public void Loaded_with_pytorch_weights_it_gives_pytorchs_probabilities()
    {
        using var scope = NewDisposeScope();
        using var model = new SeedUNet3D(filters: 2);
        WeightFiles.LoadPyTorch(model, Npy.Fixture("seed_f2.pth"));
        model.eval();
        var input = Npy.Load("seed_input").to_type(ScalarType.Float32) / 255;
        var expected = Npy.Load("seed_output");

        using var noGrad = no_grad();
        var probabilities = model.forward(input);

        Assert.Equal(new long[] { 1, 1, 16, 32, 32 }, probabilities.shape);
        var error = (probabilities - expected).abs().max().item<float>();
        output.WriteLine($"seed forward: max |C# - PyTorch| = {error:G3}");
        Assert.True(error < 1e-5, $"max |C# - PyTorch| = {error}");
        Assert.True(probabilities.min().item<float>() >= 0 && probabilities.max().item<float>() <= 1);
    }
}
