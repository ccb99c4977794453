using Cremi.Core.Postprocessing;
using Cremi.Core.Volumes;
using Cremi.Learning.Inference;

namespace Cremi.Learning.Tests.Inference;

public sealed class CleftLabellingTests
{
    [Fact]
    public void Components_above_the_threshold_become_ids_and_small_ones_are_removed()
    {
        var scores = new Volume<byte>(new Shape3(3, 10, 10), VoxelSize.Cremi);
        for (var y = 0; y < 4; y++) for (var x = 0; x < 4; x++) scores[1, y, x] = 200; // 16 voxels
        scores[1, 8, 8] = 255; // 1 voxel
        scores[0, 9, 0] = 100; // below 0.5
        var labels = new CleftLabelling(0.5, MinSize: 2).Apply(scores);
        Assert.Equal(1, labels.Count);
        Assert.Equal(1UL, labels.Labels[1, 0, 0]);
        Assert.Equal(CleftLabel.Background, labels.Labels[1, 8, 8]);
        Assert.Equal(CleftLabel.Background, labels.Labels[0, 9, 0]);
    }

    [Fact]
    public void A_double_threshold_keeps_weak_voxels_only_when_connected_to_strong_ones()
    {
        var scores = new Volume<byte>(new Shape3(1, 1, 10), VoxelSize.Cremi);
        byte[] row = [100, 100, 230, 100, 0, 100, 100, 0, 0, 0];
        row.CopyTo(scores.Data, 0);
        var labels = new CleftLabelling(0.5, Low: 0.3, High: 0.8, MinSize: 0).Apply(scores);
        Assert.Equal(1, labels.Count);
        Assert.Equal(4, labels.Sizes[0]);
        Assert.Equal(CleftLabel.Background, labels.Labels[0, 0, 5]);
    }

    [Theory]
    [InlineData(null, null, 1)]
    [InlineData(null, null, 3)]
    [InlineData(0.3, 0.8, 2)]
    [InlineData(0.3, 0.8, 5)]
    public void Ids_written_a_slab_at_a_time_equal_thresholding_labelling_and_removing_small_ones_whole(double? low, double? high, int depth)
    {
        var random = new Random(11);
        var scores = new Volume<byte>(new Shape3(7, 12, 15), VoxelSize.Cremi);
        for (var i = 0; i < scores.Data.Length; i++) scores.Data[i] = (byte)(random.NextDouble() < 0.25 ? random.Next(60, 256) : random.Next(0, 60));
        var labelling = new CleftLabelling(0.5, low, high, MinSize: 3);
        var mask = labelling.IsDouble
            ? Hysteresis.Apply(scores, CleftLabelling.Level(0.3), CleftLabelling.Level(0.8))
            : scores.With(Array.ConvertAll(scores.Data, v => v >= CleftLabelling.Level(0.5)));
        var expected = ConnectedComponents.RemoveSmall(ConnectedComponents.Label(mask), 3);

        var clefts = labelling.Find(scores);
        var ids = new ulong[scores.Shape.Count];
        var section = scores.Shape.SectionSize;
        for (var z0 = 0; z0 < scores.Shape.Z; z0 += depth)
            clefts.WriteSections(z0, ids.AsSpan(z0 * section, Math.Min(depth, scores.Shape.Z - z0) * section));

        Assert.True(expected.Count > 1);
        Assert.Equal(expected.Sizes, clefts.Sizes);
        Assert.Equal(expected.Labels.Data, ids);
        Assert.Equal(expected.Labels.Data, labelling.Apply(scores).Labels.Data);
    }

    [Fact]
    public void Quantisation_rounds_to_the_nearest_255th_and_the_level_matches_the_threshold()
    {
        var bytes = new byte[4];
        CleftLabelling.Quantise([0f, 0.5f, 1f, 1.2f], bytes);
        Assert.Equal(new byte[] { 0, 128, 255, 255 }, bytes);
        Assert.Equal(128, CleftLabelling.Level(0.5));
        Assert.Equal(3, CleftLabelling.Level(0.01));
        Assert.Equal(255, CleftLabelling.Level(1));
    }
}
