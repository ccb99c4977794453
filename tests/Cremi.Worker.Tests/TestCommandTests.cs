using System.Text.Json;
using Cremi.Core.Metrics;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using Cremi.Worker.Workflows;

namespace Cremi.Worker.Tests;

public sealed class TestCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data()
    {
        var path = _folder.File("data.hdf");
        SyntheticFile.Write(path, new SyntheticEmOptions(new Shape3(12, 160, 160), 4));
        return path;
    }

    private string TinyModel()
    {
        var path = _folder.File("model.cremi");
        TorchSharp.torch.manual_seed(3);
        var spec = ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1) with { Groups = 2 };
        using var module = spec.Build();
        ModelFile.Save(path, new ModelDescription { Spec = spec, Preprocessing = "seed", Window = new Shape3(4, 32, 32), Threshold = 0.5 }, module);
        return path;
    }

    [Fact]
    public void Test_scores_the_generated_mask_against_the_files_own_labels_exactly_as_evaluate_does()
    {
        var data = Data();
        var model = TinyModel();
        var mask = _folder.File("kept.hdf");
        var run = CliRun.Of("test", data, model, "--json", "--out", mask);
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        using var json = JsonDocument.Parse(run.Output);
        var expected = Evaluation.Compare(data, mask);
        Assert.Equal(expected.Voxels.F1, json.RootElement.GetProperty("f1").GetDouble(), 12);
        Assert.Equal(expected.Cremi.Score, json.RootElement.GetProperty("cremi_score").GetDouble(), 9);
        Assert.Equal(expected.Cremi.FalsePositives, json.RootElement.GetProperty("fp_count").GetInt64());
    }

    [Fact]
    public void Without_out_the_temporary_mask_is_removed()
    {
        var data = Data();
        var model = TinyModel();
        var before = Directory.GetFiles(Path.GetTempPath(), "cremi-test-*.hdf*").Length;
        var run = CliRun.Of("test", data, model);
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        Assert.Contains("CREMI score", run.Output);
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "cremi-test-*.hdf*").Length);
    }

    [Fact]
    public void A_file_without_labels_cannot_be_tested_and_says_so()
    {
        var path = _folder.File("raw-only.hdf");
        CremiWriter.Write(path, new CremiContent { Raw = new Volume<byte>(new Shape3(4, 32, 32), VoxelSize.Cremi) });
        var run = CliRun.Of("test", path, TinyModel());
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{path}:", run.Errors);
        Assert.Contains("clefts", run.Errors);
    }
}
