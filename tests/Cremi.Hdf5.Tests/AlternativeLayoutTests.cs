using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5.Tests;

/// <summary>Layouts of other EM data sets and tools that we accept where the meaning is unambiguous.</summary>
public class AlternativeLayoutTests
{
    private static string Make(TempFolder folder, H5File file)
    {
        var path = folder.File("alt.hdf");
        file.Write(path);
        return path;
    }

    [Fact]
    public void Raw_at_the_root_with_a_float32_resolution_on_the_root_is_read()
    {
        using var folder = new TempFolder();
        var raw = new byte[2, 3, 4];
        raw[1, 2, 3] = 200;
        var path = Make(folder, new H5File { ["raw"] = raw, Attributes = { ["resolution"] = new float[] { 30, 6, 6 } } });

        using var file = CremiFile.Open(path);
        Assert.Equal("raw", file.RawDatasetPath);
        Assert.Equal(new VoxelSize(30, 6, 6), file.Resolution);
        Assert.Equal(200, file.ReadRaw()[1, 2, 3]);
    }

    [Fact]
    public void A_missing_resolution_defaults_to_cremi_and_says_so()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = new byte[2, 3, 4] } });

        using var file = CremiFile.Open(path);
        Assert.Equal(VoxelSize.Cremi, file.Resolution);
        Assert.True(file.ResolutionWasDefaulted);
        Assert.Equal(Offset3.Zero, file.Offset);
    }

    [Fact]
    public void Resolution_and_offset_on_the_labels_are_used_when_raw_has_none()
    {
        using var folder = new TempFolder();
        var clefts = new H5Dataset(new ulong[2, 3, 4])
        {
            Attributes = { ["resolution"] = new[] { 8.0, 8.0, 8.0 }, ["offset"] = new long[] { 16, -8, 0 } },
        };
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = new byte[2, 3, 4], ["labels"] = new H5Group { ["clefts"] = clefts } } });

        using var file = CremiFile.Open(path);
        Assert.Equal(new VoxelSize(8, 8, 8), file.Resolution);
        Assert.Equal(new Offset3(16, -8, 0), file.Offset);
    }

    [Fact]
    public void Fijis_element_size_in_micrometres_gives_the_resolution_when_there_is_none()
    {
        // element_size_um.hdf was written by h5py as Fiji's HDF5 plugin and vigra/ilastik store a voxel size.
        using var file = CremiFile.Open(Fixtures.PathOf("element_size_um.hdf"));

        Assert.False(file.ResolutionWasDefaulted);
        Assert.Equal(8.0, file.Resolution.Z, 1e-4);
        Assert.Equal(4.0, file.Resolution.Y, 1e-4);
        Assert.Equal(4.0, file.Resolution.X, 1e-4);
    }

    [Fact]
    public void Resolution_wins_over_element_size_and_a_bad_element_size_is_refused_in_micrometres()
    {
        using var folder = new TempFolder();
        var both = new H5Dataset(new byte[2, 3, 4])
        {
            Attributes = { ["resolution"] = new[] { 40.0, 4.0, 4.0 }, ["element_size_um"] = new[] { 1.0, 1.0, 1.0 } },
        };
        using (var file = CremiFile.Open(Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = both } })))
            Assert.Equal(VoxelSize.Cremi, file.Resolution);

        var bad = new H5Dataset(new byte[2, 3, 4]) { Attributes = { ["element_size_um"] = new[] { 0.004, 0.0, 0.004 } } };
        var path = folder.File("bad.hdf");
        new H5File { ["volumes"] = new H5Group { ["raw"] = bad } }.Write(path);
        var error = Assert.Throws<CremiFileException>(() => CremiFile.Open(path));
        Assert.Contains("attribute 'element_size_um' of 'volumes/raw' is [0.004, 0, 0.004], expected three positive numbers (z,y,x µm)", error.Message);
    }

    [Fact]
    public void A_raw_image_wider_than_labels_placed_at_its_origin_is_read_where_they_overlap_and_says_so()
    {
        using var folder = new TempFolder();
        var raw = new byte[2, 3, 6];
        raw[1, 2, 3] = 200;
        raw[1, 2, 4] = 99; // outside the labels
        var clefts = new H5Dataset(new ulong[2, 3, 4]) { Attributes = { ["offset"] = new[] { 0.0, 0.0, 0.0 } } };
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = raw, ["labels"] = new H5Group { ["clefts"] = clefts } } });

        using var file = CremiFile.Open(path);
        Assert.Equal(new Shape3(2, 3, 4), file.Shape);
        Assert.Equal(200, file.ReadRaw()[1, 2, 3]);
        Assert.Equal("volumes/raw 2x3x6 is read from voxel (0,0,0) (the 2x3x4 that all volumes share)", file.RegionNote);
    }

    [Fact]
    public void Uint32_labels_are_widened_to_uint64()
    {
        using var folder = new TempFolder();
        var labels = new uint[2, 3, 4];
        labels[0, 1, 2] = 4_000_000_000;
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = labels } } });

        using var file = CremiFile.Open(path);
        var clefts = file.ReadClefts();
        Assert.Equal(4_000_000_000UL, clefts[0, 1, 2]);
        Assert.Equal(0UL, clefts[1, 1, 1]);
    }

    [Fact]
    public void Cremi_labels_narrowed_to_uint32_or_uint16_keep_background_and_ignore()
    {
        // np.uint64(0xFFFFFFFFFFFFFFFF).astype(np.uint32) is 0xFFFFFFFF: read as an id, all background was one cleft.
        using var folder = new TempFolder();
        var wide = new uint[1, 2, 2] { { { uint.MaxValue, uint.MaxValue - 1 }, { 5, 4_000_000_000 } } };
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = wide } } });
        using (var file = CremiFile.Open(path))
            Assert.Equal([CleftLabel.Background, CleftLabel.Ignore, 5UL, 4_000_000_000UL], file.ReadClefts().Data);

        File.Delete(path);
        var small = new ushort[1, 2, 2] { { { ushort.MaxValue, ushort.MaxValue - 1 }, { 5, 300 } } };
        path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = small } } });
        using (var file = CremiFile.Open(path))
            Assert.Equal([CleftLabel.Background, CleftLabel.Ignore, 5UL, 300UL], file.ReadClefts().Data);

        // A uint8 mask saved as an image marks clefts with 255: it stays a cleft.
        File.Delete(path);
        var mask = new byte[1, 1, 2] { { { 255, 0 } } };
        path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = mask } } });
        using (var file = CremiFile.Open(path))
            Assert.True(CleftLabel.IsCleft(file.ReadClefts()[0, 0, 0]));
    }

    [Fact]
    public void Signed_labels_map_minus_one_and_minus_two_to_background_and_ignore()
    {
        using var folder = new TempFolder();
        var labels = new long[1, 2, 2] { { { -1, -2 }, { 5, 1L << 50 } } };
        var small = new short[1, 2, 2] { { { -1, -2 }, { 5, 300 } } };
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = labels } } });

        using (var file = CremiFile.Open(path))
            Assert.Equal([CleftLabel.Background, CleftLabel.Ignore, 5UL, 1UL << 50], file.ReadClefts().Data);

        File.Delete(path);
        path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = small } } });
        using (var file = CremiFile.Open(path))
            Assert.Equal([CleftLabel.Background, CleftLabel.Ignore, 5UL, 300UL], file.ReadClefts().Data);
    }
}
