using System.IO.Compression;
using System.Text.Json;
using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Worker.Tests;

public sealed class EvaluateCommandTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Metrics");

    private static readonly string[] Keys =
        ["accuracy", "precision", "recall", "f1", "iou", "adgt", "adf", "cremi_score", "fp_count", "fn_count", "cremi_f1"];

    /// <summary>Fixture label codes: 0 background, 254 ignore, anything else a cleft id.</summary>
    private static Volume<ulong> Labels(string file, Shape3 shape, VoxelSize resolution)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(Fixtures, file)), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        var data = bytes.ToArray().Select(code => code switch { 0 => CleftLabel.Background, 254 => CleftLabel.Ignore, _ => (ulong)code }).ToArray();
        return new Volume<ulong>(shape, data, resolution);
    }

    [Theory]
    [InlineData("metrics_sheets")]
    [InlineData("metrics_ignore")]
    public void Evaluate_agrees_with_the_scipy_reference_on_every_key(string name)
    {
        using var fixtures = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "fixtures.json")));
        var c = fixtures.RootElement.GetProperty("metrics").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var s = c.GetProperty("shape");
        var shape = new Shape3(s[0].GetInt32(), s[1].GetInt32(), s[2].GetInt32());
        var r = c.GetProperty("sampling");
        var resolution = new VoxelSize(r[0].GetDouble(), r[1].GetDouble(), r[2].GetDouble());
        Assert.Equal(200, c.GetProperty("threshold").GetDouble()); // the CLI scores at the challenge's 200 nm

        using var folder = new TempFolder();
        var truth = folder.File("truth.hdf");
        var prediction = folder.File("pred.hdf");
        CremiWriter.Write(truth, new CremiContent { Clefts = Labels(c.GetProperty("truth").GetString()!, shape, resolution) });
        CremiWriter.Write(prediction, new CremiContent { Clefts = Labels(c.GetProperty("prediction").GetString()!, shape, resolution) });

        var run = CliRun.Of("evaluate", truth, prediction, "--json");
        Assert.True(run.ExitCode == 0, run.Errors);
        using var actual = JsonDocument.Parse(run.Output);
        var expected = c.GetProperty("expected");
        foreach (var key in Keys)
        {
            var (e, a) = (expected.GetProperty(key).GetDouble(), actual.RootElement.GetProperty(key).GetDouble());
            Assert.True(Math.Abs(a - e) <= 1e-6 * Math.Max(1, Math.Abs(e)), $"{key}: {a} vs reference {e}");
        }
    }

    [Fact]
    public void The_python_tools_mask_is_accepted_as_prediction_and_empty_sides_give_finite_values()
    {
        using var folder = new TempFolder();
        var truth = folder.File("truth.hdf");
        var labels = new Volume<ulong>(new Shape3(2, 8, 8), VoxelSize.Cremi);
        Array.Fill(labels.Data, CleftLabel.Background);
        labels[1, 3, 3] = 5;
        CremiWriter.Write(truth, new CremiContent { Clefts = labels });
        var mask = folder.File("segmentation_mask.hdf");
        new PureHDF.H5File { ["data"] = new byte[2, 8, 8] }.Write(mask); // predicts nothing

        var run = CliRun.Of("evaluate", truth, mask, "--json");
        Assert.True(run.ExitCode == 0, run.Errors);
        using var json = JsonDocument.Parse(run.Output);
        foreach (var key in Keys) Assert.True(double.IsFinite(json.RootElement.GetProperty(key).GetDouble()), key);
        Assert.Equal(0, json.RootElement.GetProperty("f1").GetDouble());
        Assert.Equal(1, json.RootElement.GetProperty("fn_count").GetInt64());
    }

    [Fact]
    public void Files_of_different_shapes_are_a_clear_error()
    {
        using var folder = new TempFolder();
        var a = folder.File("a.hdf");
        var b = folder.File("b.hdf");
        CremiWriter.Write(a, new CremiContent { Clefts = new Volume<ulong>(new Shape3(2, 8, 8), VoxelSize.Cremi) });
        CremiWriter.Write(b, new CremiContent { Clefts = new Volume<ulong>(new Shape3(2, 8, 9), VoxelSize.Cremi) });
        var run = CliRun.Of("evaluate", a, b);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{b}: cleft labels have shape 2x8x9 but the truth in {a} has 2x8x8", run.Errors);
    }

    [Fact]
    public void Without_json_a_readable_table_is_printed()
    {
        using var folder = new TempFolder();
        var data = folder.File("s.hdf");
        CliRun.Of("synth", data, "--shape", "12,160,160", "--seed", "4");
        var run = CliRun.Of("evaluate", data, data);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("CREMI score", run.Output);
        Assert.Contains("1.0000", run.Output); // a file against itself: F1 1
    }
}
