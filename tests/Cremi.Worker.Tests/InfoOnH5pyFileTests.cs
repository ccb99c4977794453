using System.Text.Json;

namespace Cremi.Worker.Tests;

/// <summary>`cremi info` on a CREMI-layout file written by h5py, checked against h5py's own summary of it.</summary>
public sealed class InfoOnH5pyFileTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [Fact]
    public void Info_reports_an_h5py_files_clefts_resolution_offset_and_extra_groups_as_h5py_sees_them()
    {
        var (e, a) = Info("cremi_sample");

        Assert.Equal(Numbers(e.GetProperty("shape")), Numbers(a.GetProperty("shape")));
        Assert.Equal(Numbers(e.GetProperty("resolution")), Numbers(a.GetProperty("resolution")));
        Assert.Equal(Numbers(e.GetProperty("offset")), Numbers(a.GetProperty("offset")));
        var clefts = a.GetProperty("clefts");
        Assert.Equal(e.GetProperty("cleft_voxels").GetInt64(), clefts.GetProperty("voxels").GetInt64());
        Assert.Equal(e.GetProperty("ignore_voxels").GetInt64(), clefts.GetProperty("ignore_voxels").GetInt64());
        var perCleft = e.GetProperty("voxels_per_cleft").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(perCleft, clefts.GetProperty("voxels_per_cleft").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));
        Assert.Equal(perCleft.Count, clefts.GetProperty("count").GetInt32());

        var datasets = a.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("path").GetString()).ToList();
        Assert.Contains("volumes/labels/neuron_ids", datasets);
        Assert.Contains("annotations/presynaptic_site/partners", datasets);
    }

    [Fact]
    public void Info_on_a_padded_cremi_file_reports_the_labelled_region_and_where_the_raw_is_read()
    {
        var (e, a) = Info("cremi_padded_sample");

        Assert.Equal(Numbers(e.GetProperty("shape")), Numbers(a.GetProperty("shape")));
        Assert.Equal(Numbers(e.GetProperty("offset")), Numbers(a.GetProperty("offset")));
        Assert.Equal(e.GetProperty("cleft_voxels").GetInt64(), a.GetProperty("clefts").GetProperty("voxels").GetInt64());
        Assert.StartsWith("volumes/raw 20x64x72 is read from voxel (4,10,12)", a.GetProperty("region").GetString());
        Assert.Equal(JsonValueKind.Null, Info("cremi_sample").Actual.GetProperty("region").ValueKind);
    }

    /// <summary>The fixture's expected values (from h5py) and `cremi info --json` on it, which must succeed.</summary>
    private static (JsonElement Expected, JsonElement Actual) Info(string fixture)
    {
        var run = CliRun.Of("info", Path.Combine(Fixtures, fixture + ".hdf"), "--json");
        Assert.Equal(0, run.ExitCode);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, fixture + ".expected.json")));
        using var actual = JsonDocument.Parse(run.Output);
        return (expected.RootElement.Clone(), actual.RootElement.Clone());
    }

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
