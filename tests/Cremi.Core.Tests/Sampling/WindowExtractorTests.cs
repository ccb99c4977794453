using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Sampling;

public sealed class WindowExtractorTests
{
    private static Volume<int> Ramp(Shape3 shape)
    {
        var data = new int[shape.Count];
        for (var i = 0; i < data.Length; i++) data[i] = i;
        return new Volume<int>(shape, data, VoxelSize.Cremi);
    }

    [Fact]
    public void A_window_inside_the_volume_is_an_exact_copy()
    {
        var volume = Ramp(new Shape3(4, 5, 6));
        var window = WindowExtractor.ExtractVolume(volume, new Window(1, 2, 3, new Shape3(2, 2, 3)));
        Assert.Equal(volume[1, 2, 3], window[0, 0, 0]);
        Assert.Equal(volume[2, 3, 5], window[1, 1, 2]);
        Assert.Equal(new Offset3(40, 8, 12), window.Offset);
    }

    [Fact]
    public void A_window_thicker_than_the_volume_is_padded_by_reflection_not_refused()
    {
        var volume = Ramp(new Shape3(3, 4, 4));
        var window = WindowExtractor.Extract(volume, new Window(-2, 0, 0, new Shape3(8, 4, 4)));
        // Sections -2..5 of a 3-section volume under reflect-101: 2 1 0 1 2 1 0 1.
        int[] sections = [2, 1, 0, 1, 2, 1, 0, 1];
        for (var z = 0; z < 8; z++) Assert.Equal(volume[sections[z], 1, 2], window[(z * 4 + 1) * 4 + 2]);
    }

    [Fact]
    public void Reflection_applies_per_axis_at_every_border()
    {
        var volume = Ramp(new Shape3(2, 3, 3));
        var window = WindowExtractor.Extract(volume, new Window(0, -1, 2, new Shape3(1, 2, 3)));
        // y: -1 -> 1, 0 -> 0 ; x: 2, 3 -> 1, 4 -> 0
        Assert.Equal([volume[0, 1, 2], volume[0, 1, 1], volume[0, 1, 0], volume[0, 0, 2], volume[0, 0, 1], volume[0, 0, 0]], window);
    }
}
