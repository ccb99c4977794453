using Cremi.Core.Postprocessing;
using Cremi.Core.Tests.Metrics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Postprocessing;

public class ConnectedComponentsTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in MetricFixtures.Names("labels"))
        foreach (var connectivity in new[] { 6, 18, 26 })
            data.Add(name, connectivity);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Components_are_the_partition_scipy_ndimage_label_finds_with_the_same_structure(string name, int connectivity)
    {
        var c = MetricFixtures.Case("labels", name);
        var mask = new Volume<bool>(MetricFixtures.ShapeOf(c), MetricFixtures.Mask(c, "mask"), VoxelSize.Cremi);
        var expected = MetricFixtures.Array<int>(c, $"labels{connectivity}");

        var actual = ConnectedComponents.Label(mask, (Connectivity)connectivity);

        Assert.Equal(c.GetProperty($"count{connectivity}").GetInt32(), actual.Count);
        // Same partition: the map scipy id -> our id must be a bijection that covers every voxel.
        var ours = new Dictionary<int, ulong>();
        var theirs = new Dictionary<ulong, int>();
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] == 0) { Assert.Equal(CleftLabel.Background, actual.Labels.Data[i]); continue; }
            var id = actual.Labels.Data[i];
            Assert.InRange(id, 1UL, (ulong)actual.Count);
            Assert.Equal(ours.TryAdd(expected[i], id) ? id : ours[expected[i]], id);
            Assert.Equal(theirs.TryAdd(id, expected[i]) ? expected[i] : theirs[id], expected[i]);
        }
        Assert.Equal(actual.Count, ours.Count);
        for (var k = 0; k < actual.Count; k++)
            Assert.Equal(actual.Sizes[k], actual.Labels.Data.LongCount(v => v == (ulong)k + 1));
    }

    [Fact]
    public void Ids_follow_the_scan_order_of_each_component_first_voxel()
    {
        var shape = new Shape3(2, 3, 4);
        var mask = new Volume<bool>(shape, VoxelSize.Cremi);
        mask[1, 0, 0] = true; // first met last
        mask[0, 2, 3] = true;
        mask[0, 0, 3] = true; // first met first
        mask[1, 2, 2] = true; // joins (0,2,3) along an edge

        var labels = ConnectedComponents.Label(mask).Labels;

        Assert.Equal(1UL, labels[0, 0, 3]);
        Assert.Equal(2UL, labels[0, 2, 3]);
        Assert.Equal(2UL, labels[1, 2, 2]);
        Assert.Equal(3UL, labels[1, 0, 0]);
        Assert.Equal(CleftLabel.Background, labels[0, 0, 0]);
    }

    [Fact]
    public void Diagonal_neighbours_join_under_26_connectivity_but_not_under_6()
    {
        var shape = new Shape3(2, 2, 2);
        var mask = new Volume<bool>(shape, VoxelSize.Cremi);
        mask[0, 0, 0] = true;
        mask[1, 1, 1] = true;

        Assert.Equal(1, ConnectedComponents.Label(mask, Connectivity.Corners).Count);
        Assert.Equal(2, ConnectedComponents.Label(mask, Connectivity.Edges).Count);
        Assert.Equal(2, ConnectedComponents.Label(mask, Connectivity.Faces).Count);
    }

    [Fact]
    public void A_U_shape_met_as_two_arms_first_becomes_one_component()
    {
        var shape = new Shape3(1, 3, 3);
        var bytes = new byte[] { 1, 0, 1, 1, 0, 1, 1, 1, 1 };

        var labels = ConnectedComponents.Label(new Volume<byte>(shape, bytes, VoxelSize.Cremi), Connectivity.Faces);

        Assert.Equal(1, labels.Count);
        Assert.Equal([7L], labels.Sizes);
    }

    [Fact]
    public void Removing_small_components_drops_them_from_the_mask_and_renumbers_the_labels()
    {
        var shape = new Shape3(1, 1, 9);
        var mask = new Volume<bool>(shape, new[] { true, false, true, true, true, false, true, true, false }, VoxelSize.Cremi);

        var kept = ConnectedComponents.RemoveSmall(mask, 2);
        var relabelled = ConnectedComponents.RemoveSmall(ConnectedComponents.Label(mask), 3);

        Assert.Equal(new[] { false, false, true, true, true, false, true, true, false }, kept.Data);
        Assert.Equal(1, relabelled.Count);
        Assert.Equal([3L], relabelled.Sizes);
        Assert.Equal(CleftLabel.Background, relabelled.Labels.Data[0]);
        Assert.Equal(1UL, relabelled.Labels.Data[3]);
        Assert.Equal(CleftLabel.Background, relabelled.Labels.Data[6]);
    }

    [Fact]
    public void An_empty_mask_has_no_components()
    {
        var labels = ConnectedComponents.Label(new Volume<bool>(new Shape3(2, 3, 4), VoxelSize.Cremi));

        Assert.Equal(0, labels.Count);
        Assert.All(labels.Labels.Data, v => Assert.Equal(CleftLabel.Background, v));
    }
}
