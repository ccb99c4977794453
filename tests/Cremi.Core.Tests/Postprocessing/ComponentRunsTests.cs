using Cremi.Core.Postprocessing;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Postprocessing;

public class ComponentRunsTests
{
    private static readonly Shape3 Shape = new(9, 13, 17);

    /// <summary>Random bytes, a fraction of them high, so masks have specks, runs and merging blobs.</summary>
    private static Volume<byte> RandomBytes(int seed, double density)
    {
        var random = new Random(seed);
        var data = new byte[Shape.Count];
        for (var i = 0; i < data.Length; i++) data[i] = random.NextDouble() < density ? (byte)random.Next(100, 256) : (byte)random.Next(0, 100);
        return new Volume<byte>(Shape, data, VoxelSize.Cremi);
    }

    private static Volume<bool> AtLeast(Volume<byte> values, byte level) => values.With(Array.ConvertAll(values.Data, v => v >= level));

    /// <summary>The ids written slab by slab, <paramref name="depth"/> sections at a time into one reused buffer.</summary>
    private static ulong[] Streamed(ComponentRuns components, int depth)
    {
        var result = new ulong[components.Shape.Count];
        var section = components.Shape.SectionSize;
        var buffer = new ulong[depth * section];
        Array.Fill(buffer, 12345UL); // stale values must be overwritten
        for (var z0 = 0; z0 < components.Shape.Z; z0 += depth)
        {
            var slab = buffer.AsSpan(0, Math.Min(depth, components.Shape.Z - z0) * section);
            components.WriteSections(z0, slab);
            slab.CopyTo(result.AsSpan(z0 * section));
        }
        return result;
    }

    public static TheoryData<int, int, long> Cases()
    {
        var data = new TheoryData<int, int, long>();
        foreach (var depth in new[] { 1, 2, 4, 9 })
        foreach (var connectivity in new[] { 6, 18, 26 })
        foreach (var minVoxels in new long[] { 0, 3, 20 })
            data.Add(depth, connectivity, minVoxels);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streamed_ids_equal_labelling_the_whole_volume_then_removing_small_components(int depth, int connectivity, long minVoxels)
    {
        foreach (var (seed, density) in new[] { (1, 0.05), (2, 0.2), (3, 0.45) })
        {
            var mask = AtLeast(RandomBytes(seed, density), 100);
            var expected = ConnectedComponents.RemoveSmall(ConnectedComponents.Label(mask, (Connectivity)connectivity), minVoxels);

            var components = ConnectedComponents.Find(mask, (Connectivity)connectivity).RemoveSmall(minVoxels);

            Assert.Equal(expected.Count, components.Count);
            Assert.Equal(expected.Sizes, components.Sizes);
            Assert.Equal(expected.Sizes.Sum(), components.Voxels);
            Assert.Equal(expected.Labels.Data, Streamed(components, depth));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Components_of_a_threshold_equal_those_of_the_thresholded_mask(int depth)
    {
        var values = RandomBytes(4, 0.2);
        var expected = ConnectedComponents.Label(AtLeast(values, 150));

        var components = ConnectedComponents.FindAtLeast(values, 150);

        Assert.Equal(expected.Sizes, components.Sizes);
        Assert.Equal(expected.Labels.Data, Streamed(components, depth));
    }

    [Theory]
    [InlineData(1, 26)]
    [InlineData(3, 26)]
    [InlineData(3, 6)]
    public void Hysteresis_components_equal_labelling_the_hysteresis_mask(int depth, int connectivity)
    {
        var values = RandomBytes(5, 0.3);
        var c = (Connectivity)connectivity;
        var expected = ConnectedComponents.RemoveSmall(ConnectedComponents.Label(Hysteresis.Apply(values, 120, 230, c), c), 4);

        var components = Hysteresis.Components(values, 120, 230, c).RemoveSmall(4);

        Assert.True(components.Count > 0);
        Assert.Equal(expected.Sizes, components.Sizes);
        Assert.Equal(expected.Labels.Data, Streamed(components, depth));
    }

    [Fact]
    public void The_whole_volume_at_once_keeps_the_geometry_and_matches_the_label_volume()
    {
        var mask = AtLeast(RandomBytes(6, 0.2), 100);
        var offset = new Offset3(40, 8, 4);

        var labels = ConnectedComponents.Find(mask).ToLabels(VoxelSize.Cremi, offset);

        Assert.Equal(ConnectedComponents.Label(mask).Labels.Data, labels.Labels.Data);
        Assert.Equal(offset, labels.Labels.Offset);
        Assert.Equal(VoxelSize.Cremi, labels.Labels.Resolution);
    }

    [Fact]
    public void Writing_part_of_a_section_or_past_the_last_one_is_refused()
    {
        var components = ConnectedComponents.Find(AtLeast(RandomBytes(7, 0.2), 100));
        var section = Shape.SectionSize;

        Assert.Throws<ArgumentException>(() => components.WriteSections(0, new ulong[section + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => components.WriteSections(Shape.Z - 1, new ulong[2 * section]));
        Assert.Throws<ArgumentOutOfRangeException>(() => components.WriteSections(-1, new ulong[section]));
    }
}
