namespace Cremi.Worker.Tests;

/// <summary>`cremi display` refusals: each is one line on stderr and exit 1, before anything listens.</summary>
public sealed class DisplayCommandTests
{
    [Fact]
    public void A_missing_data_file_is_one_line_naming_it()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("display", folder.File("nothing.hdf"), "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing.hdf", run.Errors);
        Assert.Single(run.Errors.Trim().Split('\n'));
    }

    [Fact]
    public void A_file_that_is_not_hdf5_is_refused()
    {
        using var folder = new TempFolder();
        var bad = folder.File("bad.hdf");
        File.WriteAllText(bad, "not an HDF5 file");
        var run = CliRun.Of("display", bad, "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: " + bad, run.Errors.Trim());
    }

    [Fact]
    public void A_mask_of_another_shape_is_refused()
    {
        using var folder = new TempFolder();
        var (data, mask) = (folder.File("data.hdf"), folder.File("mask.hdf"));
        CliRun.Of("synth", data, "--shape", "4,64,64");
        CliRun.Of("synth", mask, "--shape", "4,64,32");
        var run = CliRun.Of("display", data, mask, "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("mask shape 4x64x32 differs", run.Errors);
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused()
    {
        using var folder = new TempFolder();
        var data = folder.File("data.hdf");
        CliRun.Of("synth", data, "--shape", "4,64,64");
        var run = CliRun.Of("display", data, "--bind", "0.0.0.0", "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--token", run.Errors);
        Assert.Equal(1, CliRun.Of("display", data, "--bind", "not-an-address").ExitCode);
    }
}
