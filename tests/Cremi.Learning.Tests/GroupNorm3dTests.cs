using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

/// <summary>
/// GroupNorm3d against group normalisation written out in float64 ((x − mean) / √(var + eps) · w + b over each
/// sample's channel groups), values and gradients, in both of its paths (training on channels-last maps goes through a
/// contiguous copy; inference and other layouts call libtorch's kernel as they are).
/// </summary>
public sealed class GroupNorm3dTests
{
    private static (Tensor Y, Tensor Dx, Tensor Dw, Tensor Db) Reference(Tensor x, Tensor w, Tensor b, Tensor upstream, long groups)
    {
        var xd = x.detach().to(float64).contiguous().requires_grad_(true);
        var wd = w.detach().to(float64).requires_grad_(true);
        var bd = b.detach().to(float64).requires_grad_(true);
        var n = x.shape[0];
        var c = x.shape[1];
        var grouped = xd.reshape(n, groups, -1);
        var mean = grouped.mean([2], keepdim: true);
        var variance = ScalarMath.Square(grouped - mean).mean([2], keepdim: true); // biased, as group norm
        var normalised = ((grouped - mean) / (variance + 1e-5).sqrt()).reshape(x.shape);
        var y = normalised * wd.view(1, c, 1, 1, 1) + bd.view(1, c, 1, 1, 1);
        (y * upstream.to(float64)).sum().backward();
        return (y.detach(), xd.grad!, wd.grad!, bd.grad!);
    }

    [Theory]
    [InlineData(true, 8, 8)]   // the default network's top level: 8 channels, 8 groups
    [InlineData(true, 16, 8)]  // two channels a group
    [InlineData(false, 16, 8)] // channels-first map: libtorch's kernel as it is
    public void Values_and_gradients_match_group_norm_written_out(bool channelsLast, long channels, long groups)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var raw = randn(new long[] { 2, channels, 3, 10, 12 }) * 2 + 0.5;
        var x = (channelsLast ? ChannelsLast.Of(raw) : raw).detach().requires_grad_(true);
        var upstream = randn(raw.shape);
        var norm = new GroupNorm3d(groups, channels);
        using (no_grad())
        {
            var named = norm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            named["weight"].copy_(rand(channels) + 0.5);
            named["bias"].copy_(randn(channels));
        }
        var parameters = norm.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        var y = norm.forward(x);
        Assert.Equal(channelsLast, ChannelsLast.IsChannelsLast(y)); // the layout the next convolution wants
        (y * upstream).sum().backward();

        var (ry, rdx, rdw, rdb) = Reference(x, parameters["weight"], parameters["bias"], upstream, groups);
        AssertClose(ry, y, 1e-5);
        AssertClose(rdx, x.grad!, 1e-4);
        AssertClose(rdw, parameters["weight"].grad!, 1e-4);
        AssertClose(rdb, parameters["bias"].grad!, 1e-4);
    }

    [Fact]
    public void A_map_of_one_voxel_a_channel_comes_back_usable()
    {
        // Channels-last and contiguous at once: the copy is the map itself, and so may libtorch's output be.
        using var scope = NewDisposeScope();
        var x = ChannelsLast.Of(randn(new long[] { 2, 8, 1, 1, 1 })).requires_grad_(true);
        var y = GroupNorm3d.Apply(x, 4, null, null);
        y.sum().backward();
        Assert.Equal(x.shape, y.shape);
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void Without_gradients_a_channels_last_map_is_normalised_in_place_and_stays_channels_last()
    {
        using var scope = NewDisposeScope();
        var x = ChannelsLast.Of(randn(new long[] { 1, 8, 2, 6, 6 }));
        using var _ = no_grad();
        var y = GroupNorm3d.Apply(x, 4, null, null);
        Assert.True(ChannelsLast.IsChannelsLast(y));
        AssertClose(nn.functional.group_norm(x.contiguous(), 4, eps: 1e-5), y, 1e-6);
    }

    [Fact]
    public void Its_state_dict_is_that_of_pytorchs_group_norm_and_bad_groups_are_refused()
    {
        var norm = new GroupNorm3d(4, 8);
        Assert.Equal(["bias", "weight"], norm.state_dict().Keys.Order());
        Assert.True(norm.state_dict()["weight"].equal(ones(8)).all().item<bool>());
        Assert.True(norm.state_dict()["bias"].equal(zeros(8)).all().item<bool>());
        Assert.Empty(new GroupNorm3d(8, 8, affine: false).state_dict());
        Assert.Contains("8 channels cannot be split into 3 groups", Assert.Throws<ArgumentException>(() => new GroupNorm3d(3, 8)).Message);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        var e = expected.to(float64);
        var error = (actual.to(float64) - e).abs().max().item<double>();
        var scale = Math.Max(1, e.abs().max().item<double>());
        Assert.True(error <= tolerance * scale, $"max difference {error:E2} (scale {scale:F2})");
    }
}
