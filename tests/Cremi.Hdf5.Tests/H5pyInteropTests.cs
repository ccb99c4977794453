using System.Text.Json;
using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5.Tests;

/// <summary>
/// Files made by h5py (the CREMI layout and the Python tool's mask) and a file of ours read back by h5py; the
/// expectations were computed by Fixtures/make_fixtures.py, so no Python is needed here.
/// </summary>
public class H5pyInteropTests
{
    [Fact]
    public void An_h5py_cremi_file_reads_with_exact_values_and_geometry()
    {
        var expected = Fixtures.Json("cremi_sample.expected.json");
        using var file = CremiFile.Open(Fixtures.PathOf("cremi_sample.hdf"));

        Assert.Equal(CremiLayoutKind.Cremi, file.Layout);
        Assert.Equal(Shape(expected.GetProperty("shape")), file.Shape);
        Assert.Equal(new VoxelSize(40, 4, 4), file.Resolution);
        Assert.False(file.ResolutionWasDefaulted);
        Assert.Equal(new Offset3(400, 80, 40), file.Offset);
        Assert.Equal(CremiDatasets.Raw | CremiDatasets.Clefts, file.Datasets);

        var raw = file.ReadRaw();
        Assert.Equal(expected.GetProperty("raw_sha256").GetString(), Hashes.Sha256(raw.Data));
        Assert.Equal(expected.GetProperty("raw_sum").GetInt64(), raw.Data.Sum(v => (long)v));
        Assert.Equal(expected.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(file.ReadClefts().Data));
    }

    [Fact]
    public void Volumes_with_a_size_one_channel_axis_read_as_z_y_x()
    {
        // Raw stored z,y,x,c (ilastik's export) and labels c,z,y,x, both with one channel, chunked and compressed.
        var expected = Fixtures.Json("singleton_axes.expected.json");
        using var file = CremiFile.Open(Fixtures.PathOf("singleton_axes.hdf"));

        Assert.Equal(Shape(expected.GetProperty("shape")), file.Shape);
        Assert.Equal(expected.GetProperty("raw_sha256").GetString(), Hashes.Sha256(file.ReadRaw().Data));
        Assert.Equal(expected.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(file.ReadClefts().Data));

        var block = expected.GetProperty("block");
        var start = block.GetProperty("start").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var shape = Shape(block.GetProperty("shape"));
        Assert.Equal(block.GetProperty("raw_sha256").GetString(), Hashes.Sha256(file.ReadRaw(start[0], start[1], start[2], shape).Data));
        Assert.Equal(block.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(file.ReadClefts(start[0], start[1], start[2], shape).Data));
    }

    [Fact]
    public void A_block_of_an_h5py_file_reads_with_exact_values()
    {
        var block = Fixtures.Json("cremi_sample.expected.json").GetProperty("block");
        var start = block.GetProperty("start").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var file = CremiFile.Open(Fixtures.PathOf("cremi_sample.hdf"));

        var raw = file.ReadRaw(start[0], start[1], start[2], Shape(block.GetProperty("shape")));
        var clefts = file.ReadClefts(start[0], start[1], start[2], Shape(block.GetProperty("shape")));

        Assert.Equal(block.GetProperty("raw_sha256").GetString(), Hashes.Sha256(raw.Data));
        Assert.Equal(block.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(clefts.Data));
        Assert.Equal(new Offset3(400 + 2 * 40, 80 + 5 * 4, 40 + 10 * 4), raw.Offset);
    }

    [Fact]
    public void Info_on_an_h5py_file_lists_every_dataset_and_counts_the_clefts()
    {
        var expected = Fixtures.Json("cremi_sample.expected.json");
        var info = CremiInfoReader.Read(Fixtures.PathOf("cremi_sample.hdf"));

        var expectedDatasets = expected.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(expectedDatasets.Select(d => d.GetProperty("path").GetString()), info.Datasets.Select(d => d.Path));
        foreach (var (want, got) in expectedDatasets.Zip(info.Datasets))
        {
            Assert.Equal(want.GetProperty("dtype").GetString(), got.DataType);
            Assert.Equal(want.GetProperty("shape").EnumerateArray().Select(e => e.GetUInt64()), got.Shape);
            Assert.Equal(Chunks(want), got.Chunks);
            Assert.Equal(Filters(want), got.Filters);
        }
        Assert.Equal(expected.GetProperty("groups").EnumerateArray().Select(e => e.GetString()), info.Groups);

        var statistics = info.Clefts!;
        var perCleft = expected.GetProperty("voxels_per_cleft").EnumerateObject()
            .ToDictionary(p => ulong.Parse(p.Name), p => p.Value.GetInt64());
        Assert.Equal(perCleft.OrderBy(p => p.Key), statistics.VoxelsPerCleft);
        Assert.Equal(3, statistics.DistinctCleftIds);
        Assert.Equal(expected.GetProperty("cleft_voxels").GetInt64(), statistics.CleftVoxels);
        Assert.Equal(expected.GetProperty("ignore_voxels").GetInt64(), statistics.IgnoreVoxels);
        Assert.Equal(expected.GetProperty("background_voxels").GetInt64(), statistics.BackgroundVoxels);
    }

    [Fact]
    public void A_padded_cremi_file_reads_the_region_its_labels_cover_with_the_raw_under_them()
    {
        var expected = Fixtures.Json("cremi_padded_sample.expected.json");
        var path = Fixtures.PathOf("cremi_padded_sample.hdf");
        using var file = CremiFile.Open(path);

        Assert.Equal(Shape(expected.GetProperty("shape")), file.Shape);
        Assert.Equal(new Offset3(160, 40, 48), file.Offset);
        Assert.Equal(expected.GetProperty("raw_sha256").GetString(), Hashes.Sha256(file.ReadRaw().Data));
        Assert.Equal(expected.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(file.ReadClefts().Data));
        Assert.Equal("volumes/raw 20x64x72 is read from voxel (4,10,12) (the 12x40x48 that all volumes share)", file.RegionNote);

        var block = expected.GetProperty("block");
        var start = block.GetProperty("start").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var raw = file.ReadRaw(start[0], start[1], start[2], Shape(block.GetProperty("shape")));
        var clefts = file.ReadClefts(start[0], start[1], start[2], Shape(block.GetProperty("shape")));
        Assert.Equal(block.GetProperty("raw_sha256").GetString(), Hashes.Sha256(raw.Data));
        Assert.Equal(block.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(clefts.Data));
        Assert.Equal(new Offset3(160 + 40, 40 + 6 * 4, 48 + 3 * 4), raw.Offset);
        Assert.Equal(raw.Offset, clefts.Offset);

        var info = CremiInfoReader.Read(path);
        Assert.Equal(file.RegionNote, info.Region);
        Assert.Equal(expected.GetProperty("cleft_voxels").GetInt64(), info.Clefts!.CleftVoxels);
        Assert.Null(CremiInfoReader.Read(Fixtures.PathOf("cremi_sample.hdf")).Region);
    }

    [Fact]
    public void Clefts_saved_as_a_numpy_bool_array_read_as_id_1_on_background()
    {
        var expected = Fixtures.Json("bool_clefts.expected.json");
        Assert.Equal("enum", expected.GetProperty("stored_as").GetString()); // what h5py makes of a bool array
        var path = Fixtures.PathOf("bool_clefts.hdf");
        using var file = CremiFile.Open(path);

        var clefts = file.ReadClefts().Data;
        Assert.Equal(expected.GetProperty("true_voxels").GetInt64(), clefts.LongCount(CleftLabel.IsCleft));
        Assert.All(clefts, v => Assert.True(v is 0 or 1));
        Assert.Equal(expected.GetProperty("mask_sha256").GetString(), Hashes.Sha256(clefts.Select(v => (byte)v).ToArray()));

        var info = CremiInfoReader.Read(path);
        Assert.Equal(expected.GetProperty("true_voxels").GetInt64(), info.Clefts!.CleftVoxels);
        Assert.Equal("enum(int8)", info.Datasets.Single(d => d.Path == "volumes/labels/clefts").DataType);
    }

    [Fact]
    public void The_python_tool_mask_reads_as_cleft_id_1_on_background()
    {
        var expected = Fixtures.Json("segmentation_mask.expected.json");
        var path = Fixtures.PathOf("segmentation_mask.hdf");
        using var file = CremiFile.Open(path);

        Assert.Equal(CremiLayoutKind.PythonToolMask, file.Layout);
        Assert.Equal(Shape(expected.GetProperty("shape")), file.Shape);
        Assert.True(file.HasClefts);
        Assert.False(file.HasRaw);
        Assert.True(file.ResolutionWasDefaulted);
        var clefts = file.ReadClefts().Data;
        Assert.Equal(expected.GetProperty("ones").GetInt64(), clefts.LongCount(v => v == 1));
        Assert.Equal(expected.GetProperty("zeros").GetInt64(), clefts.LongCount(v => v == CleftLabel.Background));
        Assert.Equal(expected.GetProperty("data_sha256").GetString(),
            Hashes.Sha256(clefts.Select(v => v == 1 ? (byte)1 : (byte)0).ToArray()));

        var info = CremiInfoReader.Read(path);
        Assert.Equal(CremiLayoutKind.PythonToolMask, info.Layout);
        Assert.Equal(1, info.Clefts!.DistinctCleftIds);
        Assert.Equal(expected.GetProperty("ones").GetInt64(), info.Clefts.VoxelsPerCleft[1]);
        var data = Assert.Single(info.Datasets);
        Assert.Equal(("data", "uint8", (IReadOnlyList<ulong>?)null), (data.Path, data.DataType, data.Chunks));
    }

    /// <summary>The content of Fixtures/dotnet_written.hdf: fixed values and provenance, small multi-chunk layout.</summary>
    private static CremiContent DotnetWrittenContent()
    {
        var shape = new Shape3(10, 40, 52);
        var offset = new Offset3(400, 80, 40);
        return new CremiContent
        {
            Raw = TestVolumes.Raw(shape, offset),
            Clefts = TestVolumes.Clefts(shape, offset),
            Predictions = TestVolumes.Predictions(shape, offset),
            Provenance = new Dictionary<string, string>
            {
                ["tool"] = "cremi-worker", ["version"] = "0.0.0-fixture", ["created"] = "2026-01-01T00:00:00Z",
                ["command"] = "cremi predict sample.hdf", ["model"] = "none",
            },
        };
    }

    private static readonly CremiWriteOptions DotnetWrittenOptions = new() { Chunks = new Shape3(4, 16, 16) };

    /// <summary>make_fixtures.py runs this with CREMI_HDF5_WRITE_FIXTURE set, then lets h5py summarise the file.</summary>
    [Fact]
    public void DotnetWrittenFixture_is_rewritten_when_CREMI_HDF5_WRITE_FIXTURE_is_set()
    {
        var target = Environment.GetEnvironmentVariable("CREMI_HDF5_WRITE_FIXTURE");
        if (string.IsNullOrEmpty(target)) return;
        CremiWriter.Write(target, DotnetWrittenContent(), DotnetWrittenOptions);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void What_our_writer_writes_is_what_h5py_read_back(bool freshWrite)
    {
        var expected = Fixtures.Json("dotnet_written.expected.json");
        using var folder = new TempFolder();
        var path = Fixtures.PathOf("dotnet_written.hdf");
        if (freshWrite)
        {
            path = folder.File("again.hdf");
            CremiWriter.Write(path, DotnetWrittenContent(), DotnetWrittenOptions);
        }

        var info = CremiInfoReader.Read(path, countClefts: false);
        using var file = CremiFile.Open(path);
        using var h5 = H5File.OpenRead(path);
        foreach (var entry in expected.GetProperty("datasets").EnumerateObject())
        {
            var want = entry.Value;
            var got = info.Datasets.Single(d => d.Path == entry.Name);
            Assert.Equal(want.GetProperty("dtype").GetString(), got.DataType);
            Assert.Equal(want.GetProperty("shape").EnumerateArray().Select(e => e.GetUInt64()), got.Shape);
            Assert.Equal(Chunks(want), got.Chunks);
            Assert.Equal(Filters(want), got.Filters);

            string sha = entry.Name switch
            {
                CremiPaths.Raw => Hashes.Sha256(file.ReadRaw().Data),
                CremiPaths.Clefts => Hashes.Sha256(file.ReadClefts().Data),
                _ => Hashes.Sha256(file.ReadPredictions().Data),
            };
            Assert.Equal(want.GetProperty("sha256").GetString(), sha);

            var dataset = h5.Dataset(entry.Name);
            foreach (var attribute in want.GetProperty("attrs").EnumerateObject())
            {
                Assert.Equal(attribute.Value.EnumerateArray().Select(e => e.GetDouble()), dataset.Attribute(attribute.Name).Read<double[]>());
                Assert.Equal(want.GetProperty("attr_dtypes").GetProperty(attribute.Name).GetString(), H5TypeName(dataset.Attribute(attribute.Name).Type));
            }
        }
        var rootAttributes = expected.GetProperty("root_attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(rootAttributes.OrderBy(p => p.Key), file.Provenance.OrderBy(p => p.Key).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));
        var clefts = expected.GetProperty("datasets").GetProperty(CremiPaths.Clefts);
        Assert.Equal(clefts.GetProperty("background_voxels").GetInt64(), file.ReadClefts().Data.LongCount(v => v == CleftLabel.Background));
        Assert.Equal(clefts.GetProperty("ignore_voxels").GetInt64(), file.ReadClefts().Data.LongCount(v => v == CleftLabel.Ignore));
    }

    private static Shape3 Shape(JsonElement array)
    {
        var v = array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return new Shape3(v[0], v[1], v[2]);
    }

    private static IReadOnlyList<ulong>? Chunks(JsonElement dataset) =>
        dataset.GetProperty("chunks").ValueKind == JsonValueKind.Null
            ? null
            : dataset.GetProperty("chunks").EnumerateArray().Select(e => e.GetUInt64()).ToList();

    /// <summary>h5py calls deflate "gzip" with the level in compression_opts; we say "deflate(level)".</summary>
    private static IReadOnlyList<string> Filters(JsonElement dataset) =>
        dataset.GetProperty("compression").GetString() switch
        {
            null => [],
            "gzip" => [$"deflate({dataset.GetProperty("compression_opts").GetInt32()})"],
            var other => [other],
        };

    private static string H5TypeName(IH5DataType type) =>
        type.Class == H5DataTypeClass.FloatingPoint ? $"float{type.Size * 8}" : type.Class.ToString();
}
