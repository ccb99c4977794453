using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Sampling;

public sealed class RandomWindowSamplerTests
{
    private static readonly Shape3 VolumeShape = new(10, 100, 100);
    private static readonly Shape3 WindowShape = new(4, 16, 16);

    private static ulong[] OneCleftBlob()
    {
        var labels = Enumerable.Repeat(CleftLabel.Background, (int)VolumeShape.Count).ToArray();
        for (var z = 4; z < 6; z++) for (var y = 70; y < 73; y++) for (var x = 20; x < 30; x++)
            labels[VolumeShape.Index(z, y, x)] = 7;
        return labels;
    }

    private static bool ContainsCleft(Window w) =>
        w.Z <= 5 && w.Z + w.Shape.Z > 4 && w.Y <= 72 && w.Y + w.Shape.Y > 70 && w.X <= 29 && w.X + w.Shape.X > 20;

    [Fact]
    public void The_chosen_fraction_of_windows_contains_a_cleft()
    {
        var sampler = new RandomWindowSampler(VolumeShape, WindowShape, OneCleftBlob(), cleftFraction: 0.5, seed: 3);
        var windows = Enumerable.Range(0, 2000).Select(_ => sampler.Next()).ToList();
        var withCleft = windows.Count(ContainsCleft) / 2000.0;
        // Half are centred on the cleft; uniform windows hit the small blob only a few percent of the time.
        Assert.InRange(withCleft, 0.48, 0.62);
        Assert.Equal(60, sampler.CleftVoxelCount);
    }

    [Fact]
    public void Uniform_windows_stay_inside_a_volume_that_fits_them()
    {
        var sampler = new RandomWindowSampler(VolumeShape, WindowShape, [], cleftFraction: 0, seed: 1);
        for (var i = 0; i < 500; i++) Assert.True(sampler.Next().LiesInside(VolumeShape));
    }

    [Fact]
    public void The_same_seed_gives_the_same_windows()
    {
        var a = new RandomWindowSampler(VolumeShape, WindowShape, OneCleftBlob(), 0.3, seed: 11);
        var b = new RandomWindowSampler(VolumeShape, WindowShape, OneCleftBlob(), 0.3, seed: 11);
        for (var i = 0; i < 100; i++) Assert.Equal(a.Next(), b.Next());
    }

    [Fact]
    public void A_volume_thinner_than_the_window_gives_windows_centred_on_it()
    {
        var sampler = new RandomWindowSampler(new Shape3(2, 100, 100), WindowShape, [], 0, seed: 5);
        var w = sampler.Next();
        Assert.Equal(-1, w.Z);
    }
}
