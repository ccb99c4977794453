using Cremi.Core.Postprocessing;
using Cremi.Core.Tests.Metrics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Postprocessing;

public class HysteresisTests
{
    [Fact]
    public void Kept_voxels_match_scipy_label_of_the_low_mask_filtered_by_the_high_mask()
    {
        var c = MetricFixtures.Case("hysteresis", "hyst_blobs");
        var shape = MetricFixtures.ShapeOf(c);
        var probabilities = new Volume<byte>(shape, MetricFixtures.Array<byte>(c, "probabilities"), VoxelSize.Cremi);
        var expected = MetricFixtures.Mask(c, "expected");

        var kept = Hysteresis.Apply(probabilities, (byte)c.GetProperty("low").GetInt32(), (byte)c.GetProperty("high").GetInt32());

        Assert.Equal(expected, kept.Data);
        Assert.Equal(c.GetProperty("kept").GetInt32(), kept.Data.Count(v => v));
    }

    [Fact]
    public void Float_probabilities_give_the_same_mask_as_their_byte_encoding()
    {
        var c = MetricFixtures.Case("hysteresis", "hyst_blobs");
        var bytes = new Volume<byte>(MetricFixtures.ShapeOf(c), MetricFixtures.Array<byte>(c, "probabilities"), VoxelSize.Cremi);
        var floats = bytes.With(bytes.Data.Select(b => b / 255f).ToArray());

        Assert.Equal(Hysteresis.Apply(bytes, 140, 200).Data, Hysteresis.Apply(floats, 140 / 255f, 200 / 255f).Data);
    }

    [Fact]
    public void A_weak_component_is_kept_only_when_it_touches_a_strong_voxel()
    {
        var shape = new Shape3(1, 1, 9);
        var p = new Volume<float>(shape, new[] { 0.6f, 0.6f, 0.95f, 0.1f, 0.6f, 0.6f, 0.1f, 0.95f, 0.2f }, VoxelSize.Cremi);

        var kept = Hysteresis.Apply(p, 0.5f, 0.9f);

        Assert.Equal(new[] { true, true, true, false, false, false, false, true, false }, kept.Data);
    }

    [Fact]
    public void Thresholds_in_the_wrong_order_are_rejected()
    {
        var p = new Volume<float>(new Shape3(1, 1, 2), VoxelSize.Cremi);

        Assert.Throws<ArgumentOutOfRangeException>(() => Hysteresis.Apply(p, 0.9f, 0.5f));
    }
}
