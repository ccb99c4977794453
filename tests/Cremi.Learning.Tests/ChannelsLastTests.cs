using Cremi.Learning.Models;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class ChannelsLastTests
{
    [Fact]
    public void A_map_keeps_its_shape_and_values_and_gets_the_channel_axis_innermost()
    {
        using var scope = NewDisposeScope();
        var map = randn(new long[] { 2, 3, 4, 5, 6 });
        var last = ChannelsLast.Of(map);
        Assert.Equal(map.shape, last.shape);
        Assert.Equal(new long[] { 360, 1, 90, 18, 3 }, last.stride());
        Assert.True(ChannelsLast.IsChannelsLast(last));
        Assert.False(ChannelsLast.IsChannelsLast(map));
        Assert.True(map.equal(last).all().item<bool>());
        Assert.Same(last, ChannelsLast.Of(last)); // already channels-last: no copy
    }

    [Fact]
    public void One_channel_maps_and_other_ranks_are_left_alone()
    {
        using var scope = NewDisposeScope();
        var single = randn(new long[] { 2, 1, 4, 5, 6 });
        var plane = randn(new long[] { 2, 3, 5, 6 });
        Assert.Same(single, ChannelsLast.Of(single));
        Assert.Same(plane, ChannelsLast.Of(plane));
    }
}
