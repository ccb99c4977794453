using System.Text.Json;

namespace Cremi.Worker.Tests;

/// <summary>`cremi info` on a CREMI-layout file written by h5py, checked against h5py's own summary of it.</summary>
public sealed class InfoOnH5pyFileTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [Fact]
    public void Info_reports_an_h5py_files_clefts_resolution_offset_and_extra_groups_as_h5py_sees_them()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "cremi_sample.expected.json")));
        var run = CliRun.Of("info", Path.Combine(Fixtures, "cremi_sample.hdf"), "--json");
        Assert.Equal(0, run.ExitCode);
        using var actual = JsonDocument.Parse(run.Output);
        var (e, a) = (expected.RootElement, actual.RootElement);

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
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "cremi_padded_sample.expected.json")));
        var run = CliRun.Of("info", Path.Combine(Fixtures, "cremi_padded_sample.hdf"), "--json");
        Assert.Equal(0, run.ExitCode);
        using var actual = JsonDocument.Parse(run.Output);
        var (e, a) = (expected.RootElement, actual.RootElement);

        Assert.Equal(Numbers(e.GetProperty("shape")), Numbers(a.GetProperty("shape")));
        Assert.Equal(Numbers(e.GetProperty("offset")), Numbers(a.GetProperty("offset")));
        Assert.Equal(e.GetProperty("cleft_voxels").GetInt64(), a.GetProperty("clefts").GetProperty("voxels").GetInt64());
        Assert.StartsWith("volumes/raw 20x64x72 is read from voxel (4,10,12)", a.GetProperty("region").GetString());
        using var unpadded = JsonDocument.Parse(CliRun.Of("info", Path.Combine(Fixtures, "cremi_sample.hdf"), "--json").Output);
        Assert.Equal(JsonValueKind.Null, unpadded.RootElement.GetProperty("region").ValueKind);
    }

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
