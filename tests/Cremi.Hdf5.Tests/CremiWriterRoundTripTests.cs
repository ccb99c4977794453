using Cremi.Core.Volumes;

namespace Cremi.Hdf5.Tests;

public class CremiWriterRoundTripTests
{
    private static readonly Shape3 Shape = new(10, 40, 52);
    private static readonly Offset3 Offset = new(400, 80, 40);

    // Small chunks so that the volume has many chunks, including partial ones at every far edge.
    private static readonly CremiWriteOptions SmallChunks = new() { Chunks = new Shape3(4, 16, 16) };

    private static CremiContent Content() => new()
    {
        Raw = TestVolumes.Raw(Shape, Offset),
        Clefts = TestVolumes.Clefts(Shape, Offset),
        Predictions = TestVolumes.Predictions(Shape, Offset),
        Provenance = new Dictionary<string, string> { ["tool"] = "cremi-worker", ["version"] = "0.1.0", ["command"] = "cremi predict a.hdf" },
    };

    [Fact]
    public void A_written_file_reads_back_with_the_same_values_geometry_and_provenance()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        var content = Content();

        CremiWriter.Write(path, content, SmallChunks);

        using var file = CremiFile.Open(path);
        Assert.Equal(CremiLayoutKind.Cremi, file.Layout);
        Assert.Equal(Shape, file.Shape);
        Assert.Equal(TestVolumes.Resolution, file.Resolution);
        Assert.False(file.ResolutionWasDefaulted);
        Assert.Equal(Offset, file.Offset);
        Assert.Equal(CremiDatasets.All, file.Datasets);
        Assert.Equal(content.Raw!.Data, file.ReadRaw().Data);
        Assert.Equal(content.Clefts!.Data, file.ReadClefts().Data);
        Assert.Equal(content.Predictions!.Data, file.ReadPredictions().Data);
        Assert.Equal("cremi-worker", file.Provenance["tool"]);
        Assert.Equal("cremi predict a.hdf", file.Provenance["command"]);
    }

    [Theory]
    [InlineData(0, 0, 0, 10, 40, 52)]
    [InlineData(3, 5, 7, 4, 16, 16)]
    [InlineData(2, 15, 15, 5, 18, 34)]
    [InlineData(9, 39, 51, 1, 1, 1)]
    [InlineData(6, 0, 40, 4, 40, 12)]
    public void A_block_read_equals_the_same_crop_of_the_whole_volume(int z0, int y0, int x0, int dz, int dy, int dx)
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        var content = Content();
        CremiWriter.Write(path, content, SmallChunks);
        var block = new Shape3(dz, dy, dx);

        using var file = CremiFile.Open(path);
        var raw = file.ReadRaw(z0, y0, x0, block);
        var clefts = file.ReadClefts(z0, y0, x0, block);
        var predictions = file.ReadPredictions(z0, y0, x0, block);

        var expectedRaw = content.Raw!.Crop(z0, y0, x0, block);
        Assert.Equal(expectedRaw.Data, raw.Data);
        Assert.Equal(expectedRaw.Offset, raw.Offset);
        Assert.Equal(block, raw.Shape);
        Assert.Equal(content.Clefts!.Crop(z0, y0, x0, block).Data, clefts.Data);
        Assert.Equal(content.Predictions!.Crop(z0, y0, x0, block).Data, predictions.Data);
    }

    [Fact]
    public void A_block_that_leaves_the_volume_is_the_callers_mistake()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        CremiWriter.Write(path, Content(), SmallChunks);

        using var file = CremiFile.Open(path);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRaw(8, 0, 0, new Shape3(3, 1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadClefts(-1, 0, 0, new Shape3(1, 1, 1)));
    }

    [Fact]
    public void Default_options_write_deflate_compressed_chunks_clipped_to_the_volume()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        CremiWriter.Write(path, Content());

        var info = CremiInfoReader.Read(path);

        Assert.Equal(["volumes/labels/clefts", "volumes/predictions/clefts", "volumes/raw"], info.Datasets.Select(d => d.Path));
        Assert.Equal(["volumes", "volumes/labels", "volumes/predictions"], info.Groups);
        var raw = info.Datasets.Single(d => d.Path == "volumes/raw");
        Assert.Equal("uint8", raw.DataType);
        Assert.Equal([8UL, 40UL, 52UL], raw.Chunks);
        Assert.Equal(["deflate(1)"], raw.Filters);
        Assert.Equal("uint64", info.Datasets.Single(d => d.Path == "volumes/labels/clefts").DataType);
    }

    [Fact]
    public void A_file_with_only_predictions_takes_its_shape_from_them()
    {
        using var folder = new TempFolder();
        var path = folder.File("pred.hdf");
        var predictions = TestVolumes.Predictions(new Shape3(3, 7, 9));
        CremiWriter.Write(path, new CremiContent { Predictions = predictions });

        using var file = CremiFile.Open(path);
        Assert.Equal(CremiDatasets.Predictions, file.Datasets);
        Assert.Equal(new Shape3(3, 7, 9), file.Shape);
        Assert.Equal(predictions.Data, file.ReadPredictions().Data);
        var error = Assert.Throws<CremiFileException>(() => file.ReadRaw());
        Assert.Equal($"{path}: dataset 'volumes/raw' is missing", error.Message);
    }

    [Fact]
    public void Cleft_slabs_cover_the_volume_in_order_and_match_the_whole_read()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        var content = Content();
        CremiWriter.Write(path, content, SmallChunks);

        using var file = CremiFile.Open(path);
        var slabs = file.ReadCleftSlabs(4).ToList();

        Assert.Equal([0, 4, 8], slabs.Select(s => s.Z0));
        Assert.Equal([4, 4, 2], slabs.Select(s => s.Slab.Shape.Z));
        Assert.Equal(content.Clefts!.Data, slabs.SelectMany(s => s.Slab.Data));
        Assert.Equal(Offset.Z + 4 * 40, slabs[1].Slab.Offset.Z);
    }

    [Fact]
    public void Cleft_statistics_count_ids_clefts_and_ignore_voxels()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        var clefts = TestVolumes.Clefts(Shape);
        CremiWriter.Write(path, new CremiContent { Clefts = clefts }, SmallChunks);

        var statistics = CremiInfoReader.Read(path).Clefts!;

        var expected = clefts.Data.Where(CleftLabel.IsCleft).GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(3, statistics.DistinctCleftIds);
        Assert.Equal(expected.OrderBy(p => p.Key), statistics.VoxelsPerCleft);
        Assert.Equal(expected.Values.Sum(), statistics.CleftVoxels);
        Assert.Equal(clefts.Data.LongCount(v => v == CleftLabel.Ignore), statistics.IgnoreVoxels);
        Assert.Equal(Shape.Count, statistics.CleftVoxels + statistics.IgnoreVoxels + statistics.BackgroundVoxels);
    }

    [Fact]
    public void Content_whose_volumes_differ_in_shape_is_refused_before_any_file_is_made()
    {
        using var folder = new TempFolder();
        var content = new CremiContent { Raw = TestVolumes.Raw(Shape), Clefts = TestVolumes.Clefts(new Shape3(10, 40, 50)) };

        var error = Assert.Throws<ArgumentException>(() => CremiWriter.Write(folder.File("out.hdf"), content));

        Assert.Contains("Clefts has shape 10x40x50 but Raw has 10x40x52", error.Message);
        Assert.Empty(folder.Names());
    }
}
