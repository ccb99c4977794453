using Cremi.Core.Volumes;
using Cremi.Viewer.Neuroglancer;

namespace Cremi.Viewer.Tests;

public sealed class ChunkKeyTests
{
    private static readonly ServedLayer Layer = new("raw", "raw", LayerKind.Raw, "/x.hdf", new Shape3(10, 70, 90),
        VoxelSize.Cremi, new VoxelOffset(2, 5, 3), new Shape3(4, 32, 32), "v");

    [Fact]
    public void Every_chunk_of_the_grid_round_trips_through_its_name()
    {
        var count = 0;
        for (var z = 0; z < 10; z += 4)
        for (var y = 0; y < 70; y += 32)
        for (var x = 0; x < 90; x += 32)
        {
            var block = new ChunkBlock(z, y, x, new Shape3(Math.Min(4, 10 - z), Math.Min(32, 70 - y), Math.Min(32, 90 - x)));
            Assert.Equal(block, ChunkKey.TryParse(Layer, ChunkKey.Format(Layer, block), out var problem));
            Assert.Equal("", problem);
            count++;
        }
        Assert.Equal(3 * 3 * 3, count);
    }

    [Fact]
    public void Background_values_become_segment_zero_and_cleft_ids_stay()
    {
        ulong[] labels = [CleftLabel.Background, CleftLabel.Ignore, 0, 7, 0x0102030405060708UL];
        ChunkReader.ToNeuroglancerIds(labels);
        Assert.Equal([0UL, 0UL, 0UL, 7UL, 0x0102030405060708UL], labels);
    }
}
