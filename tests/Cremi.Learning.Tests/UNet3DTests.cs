using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class UNet3DTests
{
    private static ModelSpec Small(NormKind norm = NormKind.Group, bool residual = true, double dropout = 0) =>
        ModelSpec.Unet(filters: 4, depth: 3, inPlaneLevels: 1, norm: norm) with { Residual = residual, Dropout = dropout, Groups = 2 };

    public static TheoryData<NormKind, bool> Variants => new()
    {
        { NormKind.Group, true }, { NormKind.Batch, true }, { NormKind.Instance, false }, { NormKind.None, false }, { NormKind.None, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Output_has_the_input_size_and_is_a_logit_map(NormKind norm, bool residual)
    {
        using var scope = NewDisposeScope();
        using var model = new UNet3D(Small(norm, residual, dropout: 0.1));
        var input = rand(new long[] { 2, 1, 4, 16, 24 });
        var logits = model.forward(input);
        Assert.Equal(new long[] { 2, 1, 4, 16, 24 }, logits.shape);
        logits.mean().backward();
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Float32_channels_last_forward_and_gradients_match_float64()
    {
        // float32 on the CPU runs channels-last through oneDNN (ChannelsLast); float64 takes libtorch's plain kernels.
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new UNet3D(Small());
        using var model64 = new UNet3D(Small());
        model64.load_state_dict(model.state_dict());
        model64.to(ScalarType.Float64);
        var input = rand(new long[] { 2, 1, 4, 16, 24 });
        var logits = model.forward(input);
        var logits64 = model64.forward(input.to(ScalarType.Float64));
        Assert.True(logits.is_contiguous());
        var forwardError = (logits.to(ScalarType.Float64) - logits64).abs().max().item<double>() / logits64.abs().max().item<double>();
        Assert.True(forwardError < 1e-5, $"forward off by {forwardError:G3} relative");
        ScalarMath.Square(logits).mean().backward();
        ScalarMath.Square(logits64).mean().backward();
        var grads64 = model64.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        foreach (var (name, parameter) in model.named_parameters())
        {
            var reference = grads64[name];
            var scale = reference.abs().max().item<double>();
            var error = (parameter.grad!.to(ScalarType.Float64) - reference).abs().max().item<double>() / Math.Max(scale, 1e-12);
            Assert.True(error < 1e-3, $"gradient of {name} off by {error:G3} relative");
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_closed_form_parameter_count_matches_the_module(NormKind norm, bool residual)
    {
        var spec = Small(norm, residual);
        using var model = spec.Build();
        Assert.Equal(model.parameters().Sum(p => p.numel()), spec.ParameterCount());
    }

    [Fact]
    public void The_default_network_is_far_smaller_than_the_seed()
    {
        var spec = new ModelSpec();
        using var model = spec.Build();
        Assert.Equal(model.parameters().Sum(p => p.numel()), spec.ParameterCount());
        Assert.True(spec.ParameterCount() * 50 < ModelSpec.Seed().ParameterCount(), $"{spec.ParameterCount()} parameters");
        Assert.Equal(new Shape3(2, 8, 8), spec.RequiredMultiple);
    }

    [Theory]
    [InlineData(NormKind.Group)]
    [InlineData(NormKind.Batch)]
    [InlineData(NormKind.Instance)]
    public void Norm_parameters_start_at_pytorchs_defaults(NormKind norm)
    {
        // TorchSharp 0.107's GroupNorm leaves weight and bias uninitialised; ConvBlock sets 1 and 0.
        using var model = new UNet3D(Small(norm));
        var norms = model.named_parameters().Where(p => p.name.Contains(".norm")).ToList();
        Assert.NotEmpty(norms);
        Assert.All(norms, p => Assert.Equal(p.name.EndsWith("weight", StringComparison.Ordinal) ? 1f : 0f,
            p.parameter.abs().max().item<float>()));
    }

    [Fact]
    public void State_dict_keys_follow_pytorch_module_names()
    {
        using var model = new UNet3D(Small());
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("encoders.0.conv1.weight", keys);
        Assert.Contains("encoders.0.norm1.weight", keys);
        Assert.Contains("encoders.1.shortcut.weight", keys);
        Assert.Contains("upsamples.0.weight", keys);
        Assert.Contains("decoders.1.conv2.weight", keys);
        Assert.Contains("head.bias", keys);
        Assert.DoesNotContain("encoders.0.conv1.bias", keys); // a norm follows: no bias
        Assert.All(keys, k => Assert.Matches(@"^(encoders|upsamples|decoders)\.\d+\.|^head\.", k));
    }

    [Fact]
    public void Anisotropic_levels_get_their_kernels_and_pooling_factors()
    {
        using var model = new UNet3D(Small());
        var sd = model.state_dict();
        Assert.Equal(new long[] { 4, 1, 1, 3, 3 }, sd["encoders.0.conv1.weight"].shape);
        Assert.Equal(new long[] { 8, 4, 3, 3, 3 }, sd["encoders.1.conv1.weight"].shape);
        Assert.Equal(new long[] { 8, 4, 1, 2, 2 }, sd["upsamples.0.weight"].shape); // ConvTranspose3d: (in, out, k)
        Assert.Equal(new long[] { 16, 8, 2, 2, 2 }, sd["upsamples.1.weight"].shape);
    }

    [Fact]
    public void A_window_that_does_not_divide_names_the_required_multiples()
    {
        var spec = new ModelSpec();
        spec.ValidateWindow(new Shape3(32, 64, 64));
        var error = Assert.Throws<ArgumentException>(() => spec.ValidateWindow(new Shape3(31, 60, 64)));
        Assert.Contains("multiples of 2,8,8", error.Message);
        Assert.Contains("32x64x64", error.Message);
        var seed = Assert.Throws<ArgumentException>(() => ModelSpec.Seed().ValidateWindow(new Shape3(8, 64, 64)));
        Assert.Contains("multiples of 16,16,16", seed.Message);
    }

    [Fact]
    public void A_spec_round_trips_through_json_and_builds_the_same_network()
    {
        var spec = Small(NormKind.Batch, residual: false, dropout: 0.2);
        var json = spec.ToJson();
        Assert.Contains("\"arch\": \"unet\"", json);
        Assert.Contains("\"norm\": \"batch\"", json);
        var back = ModelSpec.FromJson(json);
        Assert.Equal(spec, back);
        Assert.Equal(json, back.ToJson());
        using var a = spec.Build();
        using var b = back.Build();
        Assert.Equal(a.state_dict().Keys, b.state_dict().Keys);
        Assert.Equal(Architecture.Seed, ModelSpec.FromJson(ModelSpec.Seed(8).ToJson()).Arch);
        Assert.IsType<SeedUNet3D>(ModelSpec.FromJson("""{"arch":"seed","filters":2}""").Build(), exactMatch: false);
    }

    [Fact]
    public void An_invalid_spec_lists_its_problems()
    {
        var spec = new ModelSpec { Filters = 6, Kernels = [new(2, 3, 3), new(3, 3, 3)], Pools = [], Groups = 4, Dropout = 1.5 };
        var error = Assert.Throws<ArgumentException>(() => spec.Build());
        Assert.Contains("need 1 pooling factors", error.Message);
        Assert.Contains("must be odd", error.Message);
        Assert.Contains("dropout", error.Message);
        Assert.Contains("do not divide the 6 channels", error.Message);
    }
}
