using PureHDF;

namespace Cremi.Worker.Tests;

/// <summary>
/// Every bad input gets one line naming the file and the problem, exit code 1, and leaves no output behind.
/// The HDF5 layer's own tests cover each problem in detail; these check what the user sees from the CLI.
/// </summary>
public sealed class BadInputTests
{
    private static void AssertRefused(TempFolder folder, string input, string problem)
    {
        var before = folder.Names();
        var run = CliRun.Of("render", input, "--z", "0", "--out", folder.File("out.png"));
        Assert.Equal(1, run.ExitCode);
        var line = run.Errors.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"error: {input}: ", line);
        Assert.Contains(problem, line);
        Assert.Equal(before, folder.Names()); // no output, no temp file
    }

    [Fact]
    public void A_missing_file()
    {
        using var folder = new TempFolder();
        AssertRefused(folder, folder.File("nothing.hdf"), "does not exist");
    }

    [Fact]
    public void A_file_that_is_not_hdf5()
    {
        using var folder = new TempFolder();
        var path = folder.File("notes.hdf");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("not hdf5 at all ", 300)));
        AssertRefused(folder, path, "not an HDF5 file");
    }

    [Fact]
    public void A_truncated_file()
    {
        using var folder = new TempFolder();
        var whole = folder.File("whole.hdf");
        Assert.Equal(0, CliRun.Of("synth", whole, "--shape", "8,128,128").ExitCode);
        var cut = folder.File("cut.hdf");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        File.Delete(whole);
        AssertRefused(folder, cut, "truncated");
    }

    [Fact]
    public void A_file_without_raw_data()
    {
        using var folder = new TempFolder();
        var path = folder.File("labels-only.hdf");
        new H5File { ["volumes"] = new H5Group { ["labels"] = new H5Group { ["clefts"] = new ulong[2, 4, 4] } } }.Write(path);
        AssertRefused(folder, path, "volumes/raw");
    }

    [Fact]
    public void Raw_of_the_wrong_type()
    {
        using var folder = new TempFolder();
        var path = folder.File("strings.hdf");
        new H5File { ["volumes"] = new H5Group { ["raw"] = new string[2, 4, 4] } }.Write(path);
        AssertRefused(folder, path, "has type string, expected a grey-value image");
    }

    [Fact]
    public void Raw_of_the_wrong_rank()
    {
        using var folder = new TempFolder();
        var path = folder.File("2d.hdf");
        new H5File { ["volumes"] = new H5Group { ["raw"] = new byte[4, 4] } }.Write(path);
        AssertRefused(folder, path, "has shape 4x4, expected 3 axes (z,y,x)");
    }

    [Fact]
    public void Raw_and_labels_of_different_shapes()
    {
        using var folder = new TempFolder();
        var path = folder.File("mismatch.hdf");
        new H5File
        {
            ["volumes"] = new H5Group { ["raw"] = new byte[2, 4, 4], ["labels"] = new H5Group { ["clefts"] = new ulong[2, 4, 5] } },
        }.Write(path);
        AssertRefused(folder, path, "shape");
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        var run = CliRun.Of("info", "x.hdf", "--frobnicate");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("frobnicate", run.Errors);
    }
}
