using System.Text.Json;
using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Worker.Tests;

public sealed class SynthAndInfoCommandTests
{
    [Fact]
    public void Synth_writes_a_cremi_file_that_info_describes_with_its_true_cleft_counts()
    {
        using var folder = new TempFolder();
        var path = folder.File("s.hdf");
        var synth = CliRun.Of("synth", path, "--shape", "12,160,160", "--seed", "4");
        Assert.Equal(0, synth.ExitCode);

        var info = CliRun.Of("info", path, "--json");
        Assert.Equal(0, info.ExitCode);
        using var json = JsonDocument.Parse(info.Output);
        var root = json.RootElement;
        Assert.Equal([12, 160, 160], root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([40.0, 4.0, 4.0], root.GetProperty("resolution").EnumerateArray().Select(e => e.GetDouble()));
        Assert.False(root.GetProperty("resolution_defaulted").GetBoolean());

        // Count independently from the labels themselves.
        using var file = CremiFile.Open(path);
        var labels = file.ReadClefts().Data;
        var cleftVoxels = labels.LongCount(CleftLabel.IsCleft);
        var ids = labels.Where(CleftLabel.IsCleft).Distinct().Count();
        Assert.True(cleftVoxels > 0, "a 12x160x160 synthetic volume should hold at least one cleft");
        var clefts = root.GetProperty("clefts");
        Assert.Equal(cleftVoxels, clefts.GetProperty("voxels").GetInt64());
        Assert.Equal(ids, clefts.GetProperty("count").GetInt32());
        Assert.Contains(root.GetProperty("datasets").EnumerateArray(),
            d => d.GetProperty("path").GetString() == "volumes/raw" && d.GetProperty("dtype").GetString() == "uint8"
                 && d.GetProperty("filters").EnumerateArray().Any(f => f.GetString()!.StartsWith("deflate")));
    }

    [Fact]
    public void The_same_seed_gives_the_same_volume_and_another_seed_a_different_one()
    {
        using var folder = new TempFolder();
        CliRun.Of("synth", folder.File("a.hdf"), "--shape", "6,96,96", "--seed", "9");
        CliRun.Of("synth", folder.File("b.hdf"), "--shape", "6,96,96", "--seed", "9");
        CliRun.Of("synth", folder.File("c.hdf"), "--shape", "6,96,96", "--seed", "10");
        byte[] Raw(string name) { using var f = CremiFile.Open(folder.File(name)); return f.ReadRaw().Data; }
        Assert.Equal(Raw("a.hdf"), Raw("b.hdf"));
        Assert.NotEqual(Raw("a.hdf"), Raw("c.hdf"));
    }

    [Fact]
    public void Synth_does_not_replace_an_existing_file_unless_asked()
    {
        using var folder = new TempFolder();
        var path = folder.File("mine.hdf");
        File.WriteAllText(path, "precious");
        var run = CliRun.Of("synth", path, "--shape", "4,64,64");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already exists", run.Errors);
        Assert.Equal("precious", File.ReadAllText(path));
        Assert.Equal(0, CliRun.Of("synth", path, "--shape", "4,64,64", "--overwrite").ExitCode);
        Assert.Equal(["mine.hdf"], folder.Names());
    }

    [Theory]
    [InlineData("4,64")]
    [InlineData("0,64,64")]
    [InlineData("a,b,c")]
    public void A_bad_shape_is_a_clear_error(string shape)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("synth", folder.File("x.hdf"), "--shape", shape);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"'{shape}' is not a shape", run.Errors);
        Assert.Empty(folder.Names());
    }

    [Fact]
    public void Info_reads_the_python_tools_mask_files()
    {
        using var folder = new TempFolder();
        var path = folder.File("segmentation_mask.hdf");
        var mask = new byte[3, 8, 8];
        mask[1, 2, 3] = 1;
        mask[1, 2, 4] = 1;
        new PureHDF.H5File { ["data"] = mask }.Write(path);
        var run = CliRun.Of("info", path, "--json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("PythonToolMask", json.RootElement.GetProperty("layout").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("clefts").GetProperty("voxels").GetInt64());
        Assert.True(json.RootElement.GetProperty("resolution_defaulted").GetBoolean());
    }
}
