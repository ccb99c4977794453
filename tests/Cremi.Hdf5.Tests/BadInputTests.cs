using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5.Tests;

/// <summary>Every problem of a user's file must surface as one CremiFileException line naming the file.</summary>
public class BadInputTests
{
    private static CremiFileException OpenFails(string path)
    {
        var error = Assert.Throws<CremiFileException>(() => CremiFile.Open(path).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    /// <summary>Writes a file with PureHDF directly: the layouts our own writer would never make.</summary>
    private static string Make(TempFolder folder, H5File file, string name = "bad.hdf")
    {
        var path = folder.File(name);
        file.Write(path);
        return path;
    }

    [Fact]
    public void A_missing_file_is_reported_as_such()
    {
        using var folder = new TempFolder();
        Assert.Equal("file does not exist", OpenFails(folder.File("none.hdf")).Problem);
    }

    [Fact]
    public void A_directory_is_not_taken_for_a_file()
    {
        using var folder = new TempFolder();
        Assert.Equal("is a directory, not an HDF5 file", OpenFails(folder.Path).Problem);
    }

    [Fact]
    public void A_text_file_is_not_an_hdf5_file()
    {
        using var folder = new TempFolder();
        var path = folder.File("notes.hdf");
        File.WriteAllText(path, new string('x', 5000));
        Assert.Equal("not an HDF5 file", OpenFails(path).Problem);
    }

    [Fact]
    public void An_empty_file_is_reported_as_empty()
    {
        using var folder = new TempFolder();
        var path = folder.File("empty.hdf");
        File.WriteAllBytes(path, []);
        Assert.Equal("file is empty", OpenFails(path).Problem);
    }

    [Theory]
    [InlineData("cremi_sample.hdf")]
    [InlineData("segmentation_mask.hdf")]
    public void An_h5py_file_cut_in_half_is_reported_as_truncated(string fixture)
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(Fixtures.PathOf(fixture));
        var path = folder.File("half.hdf");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Assert.StartsWith("file is truncated or damaged (it has", OpenFails(path).Problem);
    }

    [Fact]
    public void A_file_of_our_writer_cut_short_is_reported_as_truncated()
    {
        using var folder = new TempFolder();
        var whole = folder.File("whole.hdf");
        CremiWriter.Write(whole, new CremiContent { Raw = TestVolumes.Raw(new Shape3(4, 30, 30)) });
        var bytes = File.ReadAllBytes(whole);
        var path = folder.File("cut.hdf");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        Assert.Contains($"but its superblock says {bytes.Length}", OpenFails(path).Problem);
    }

    [Fact]
    public void A_damaged_chunk_is_reported_when_it_is_read()
    {
        using var folder = new TempFolder();
        var chunk = Fixtures.Json("cremi_sample.expected.json").GetProperty("raw_first_chunk");
        var bytes = File.ReadAllBytes(Fixtures.PathOf("cremi_sample.hdf"));
        bytes.AsSpan(chunk.GetProperty("byte_offset").GetInt32() + 2, 200).Fill(0x55);
        var path = folder.File("damaged.hdf");
        File.WriteAllBytes(path, bytes);

        using var file = CremiFile.Open(path);
        var error = Assert.Throws<CremiFileException>(() => file.ReadRaw(0, 0, 0, new Shape3(1, 1, 1)));
        Assert.StartsWith($"{path}: file is truncated or damaged (reading 'volumes/raw': ", error.Message);
        Assert.Equal(new Shape3(1, 1, 1), file.ReadClefts(0, 0, 0, new Shape3(1, 1, 1)).Shape); // other chunks still read
    }

    [Fact]
    public void A_file_without_any_cremi_volume_says_what_it_expected()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["neuron_ids"] = new ulong[2, 2, 2] } } });

        Assert.StartsWith("no CREMI volume found: expected dataset 'volumes/raw'", OpenFails(path).Problem);
    }

    [Fact]
    public void A_missing_dataset_is_named_when_it_is_required()
    {
        using var folder = new TempFolder();
        var path = folder.File("labels.hdf");
        CremiWriter.Write(path, new CremiContent { Clefts = TestVolumes.Clefts(new Shape3(2, 4, 4)) });

        using var file = CremiFile.Open(path);
        var error = Assert.Throws<CremiFileException>(() => file.Require(CremiDatasets.Raw | CremiDatasets.Clefts));
        Assert.Equal($"{path}: dataset 'volumes/raw' is missing", error.Message);
        Assert.Throws<CremiFileException>(() => file.ReadPredictions());
    }

    [Fact]
    public void Raw_of_the_wrong_type_is_refused()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = new string[2, 3, 4] } });
        Assert.Equal("dataset 'volumes/raw' has type string, expected a grey-value image (uint8, or an integer or float type mapped to uint8)",
            OpenFails(path).Problem);
    }

    [Fact]
    public void Big_endian_data_is_refused_as_such_not_as_damage()
    {
        // h5py fixture: uint16 raw stored as >u2. PureHDF 2.2 does not convert byte order.
        var error = Assert.Throws<CremiFileException>(() => CremiFile.Open(Fixtures.PathOf("big_endian.hdf")));
        Assert.StartsWith("a dataset or attribute is stored big-endian, which cremi cannot read; rewrite it little-endian", error.Problem);
        Assert.DoesNotContain("damaged", error.Message);
    }

    [Fact]
    public void Raw_of_the_wrong_rank_is_refused()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = new byte[3, 4] } });
        Assert.Equal("dataset 'volumes/raw' has shape 3x4, expected 3 axes (z,y,x), or 4-5 whose others have size 1 (a channel or time axis)",
            OpenFails(path).Problem);
        File.Delete(path);
        // Three colour channels are not a grey image with a channel axis.
        path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = new byte[2, 3, 4, 3] } });
        Assert.Equal("dataset 'volumes/raw' has shape 2x3x4x3, expected 3 axes (z,y,x), or 4-5 whose others have size 1 (a channel or time axis)",
            OpenFails(path).Problem);
    }

    [Fact]
    public void Float_labels_are_refused()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = new float[2, 3, 4] } } });
        Assert.Equal("dataset 'volumes/labels/clefts' has type float32, expected integer labels (uint64)", OpenFails(path).Problem);
    }

    [Fact]
    public void Labels_of_another_shape_than_raw_are_refused()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File
        {
            ["volumes"] = new H5Group { ["raw"] = new byte[10, 20, 30], ["labels"] = new H5Group { ["clefts"] = new ulong[10, 20, 20] } },
        });
        Assert.Equal("'volumes/labels/clefts' has shape 10x20x20 but 'volumes/raw' has 10x20x30, and no 'offset' attribute " +
                     "on them says where one lies inside the other", OpenFails(path).Problem);
    }

    [Theory]
    [InlineData(0.0, 40.0, 0.0, "the volumes do not overlap: 'volumes/raw' 4x10x10 at no offset (0, 0, 0), 'volumes/labels/clefts' 2x4x4 at (0, 40, 0) nm")]
    [InlineData(40.0, 6.0, 8.0, "'volumes/labels/clefts' has offset (40, 6, 8) nm, not a whole number of voxels of 40,4,4 nm")]
    public void Labels_placed_outside_the_raw_or_between_its_voxels_are_refused(double z, double y, double x, string problem)
    {
        using var folder = new TempFolder();
        var clefts = new H5Dataset(new ulong[2, 4, 4]) { Attributes = { ["offset"] = new[] { z, y, x } } };
        var path = Make(folder, new H5File
        {
            ["volumes"] = new H5Group { ["raw"] = new byte[4, 10, 10], ["labels"] = new H5Group { ["clefts"] = clefts } },
            Attributes = { ["resolution"] = new[] { 40.0, 4.0, 4.0 } },
        });
        Assert.Equal(problem, OpenFails(path).Problem);
    }

    [Fact]
    public void A_group_where_a_volume_should_be_is_refused()
    {
        using var folder = new TempFolder();
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = new H5Group() } });
        Assert.Equal("'volumes/raw' is a group, expected a dataset", OpenFails(path).Problem);
    }

    [Theory]
    [InlineData(new[] { 40.0, 4.0 }, "[40, 4]")]
    [InlineData(new[] { 40.0, 0.0, 4.0 }, "[40, 0, 4]")]
    [InlineData(new[] { 40.0, -4.0, 4.0 }, "[40, -4, 4]")]
    public void A_resolution_that_is_not_three_positive_numbers_is_refused(double[] resolution, string shown)
    {
        using var folder = new TempFolder();
        var raw = new H5Dataset(new byte[2, 3, 4]) { Attributes = { ["resolution"] = resolution } };
        var path = Make(folder, new H5File { ["volumes"] = new H5Group { ["raw"] = raw } });
        Assert.Equal($"attribute 'resolution' of 'volumes/raw' is {shown}, expected three positive numbers (z,y,x nm)", OpenFails(path).Problem);
    }
}
