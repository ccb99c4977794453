using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Preprocessing;

public class NormalizationTests
{
    private static Volume<byte> TwoSections() =>
        new(new Shape3(2, 1, 3), [10, 20, 30, 100, 100, 100], VoxelSize.Cremi);

    [Fact]
    public void Global_min_max_maps_the_volume_range_onto_zero_to_one()
    {
        var actual = Normalization.MinMax(TwoSections());

        Assert.Equal([0f, 10f / 90, 20f / 90, 1f, 1f, 1f], actual.Data);
    }

    [Fact]
    public void Per_section_min_max_sends_a_flat_section_to_zeros_not_NaN()
    {
        var actual = Normalization.MinMax(TwoSections(), perSection: true);

        Assert.Equal([0f, 0.5f, 1f, 0f, 0f, 0f], actual.Data);
    }

    [Fact]
    public void Mean_std_gives_zero_mean_and_unit_population_std()
    {
        var actual = Normalization.MeanStd(TwoSections()).Data.Select(v => (double)v).ToArray();

        var mean = actual.Average();
        var std = Math.Sqrt(actual.Select(v => (v - mean) * (v - mean)).Average());
        Assert.Equal(0, mean, 6);
        Assert.Equal(1, std, 6);
    }

    [Fact]
    public void Mean_std_of_a_flat_volume_is_zeros()
    {
        var flat = new Volume<float>(new Shape3(1, 2, 2), [3f, 3f, 3f, 3f], VoxelSize.Cremi);

        Assert.All(Normalization.MeanStd(flat).Data, v => Assert.Equal(0f, v));
    }
}
