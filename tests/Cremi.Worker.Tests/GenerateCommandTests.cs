using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Inference;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using Cremi.Worker.Workflows;

namespace Cremi.Worker.Tests;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string TinyData()
    {
        var path = _folder.File("data.hdf");
        SyntheticFile.Write(path, new SyntheticEmOptions(new Shape3(6, 48, 40), 3));
        return path;
    }

    /// <summary>An untrained tiny U-Net saved as a model file: generation does not care whether it learnt anything.</summary>
    private string TinyModel(VoxelSize? trainedOn = null)
    {
        var path = _folder.File("model.cremi");
        TorchSharp.torch.manual_seed(7);
        var spec = ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1) with { Groups = 2 };
        using var module = spec.Build();
        ModelFile.Save(path, new ModelDescription
        {
            Spec = spec, Preprocessing = "seed", Window = new Shape3(4, 32, 32), Threshold = 0.5,
            TrainedResolution = trainedOn ?? VoxelSize.Cremi,
        }, module);
        return path;
    }

    [Fact]
    public void A_uint16_image_is_mapped_to_grey_values_and_generated_like_any_other()
    {
        using var source = CremiFile.Open(TinyData());
        var bytes = source.ReadRaw().Data;
        var shape = source.Shape;
        var wide = new ushort[shape.Z, shape.Y, shape.X];
        for (var i = 0; i < bytes.Length; i++) wide[i / shape.SectionSize, i % shape.SectionSize / shape.X, i % shape.X] = (ushort)(bytes[i] * 200 + 5000);
        var data = _folder.File("wide.hdf");
        new PureHDF.H5File { ["volumes"] = new PureHDF.H5Group { ["raw"] = wide } }.Write(data);

        var info = CliRun.Of("info", data);
        Assert.True(info.ExitCode == 0, info.Output + info.Errors);
        Assert.Contains("uint16 mapped to uint8 linearly", info.Output);

        var mask = _folder.File("mask.hdf");
        var run = CliRun.Of("generate", data, TinyModel(), "--out", mask, "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        using var file = CremiFile.Open(mask);
        Assert.Equal(shape, file.Shape);
        Assert.Contains(file.ReadPredictions().Data, v => v > 0);
    }

    [Fact]
    public void A_model_trained_at_another_resolution_is_used_with_a_warning_naming_both_and_recorded_in_provenance()
    {
        var (data, mask) = (TinyData(), _folder.File("mask.hdf"));
        var model = TinyModel(trainedOn: new VoxelSize(8, 8, 8));
        var run = CliRun.Of("generate", data, model, "--out", mask, "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var output = string.Join(' ', (run.Output + run.Errors).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("warning: " + data, output);
        Assert.Contains("40,4,4 nm but the model was trained on 8,8,8 nm", output);
        Assert.Contains("(y and x are resampled to the model's pixels, z is not)", output);
        using (var file = CremiFile.Open(mask))
        {
            Assert.Equal("8,8,8", file.Provenance["model_resolution_zyx"]);
            Assert.Equal("24,20", file.Provenance["network_grid_yx"]);
        }

        // The same data with a model of its own resolution: no warning.
        var same = _folder.File("same.hdf");
        var quiet = CliRun.Of("generate", data, TinyModel(), "--out", same, "--device", "cpu");
        Assert.True(quiet.ExitCode == 0, quiet.Output + quiet.Errors);
        Assert.DoesNotContain("warning", quiet.Output + quiet.Errors);
    }

    [Fact]
    public void Data_at_other_pixels_than_the_model_is_resized_for_the_network_and_the_mask_keeps_the_data_grid()
    {
        var (data, mask) = (TinyData(), _folder.File("mask.hdf"));
        var model = TinyModel(trainedOn: new VoxelSize(40, 8, 8));

        var run = CliRun.Of("generate", data, model, "--out", mask, "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var output = string.Join(' ', (run.Output + run.Errors).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("warning", output);
        Assert.Contains("sections resized from 48x40 to 24x20 (4x4 nm pixels to the model's 8x8) for the network, scores back to 48x40", output);
        using (var file = CremiFile.Open(mask))
        {
            Assert.Equal(new Shape3(6, 48, 40), file.Shape);
            Assert.Equal(VoxelSize.Cremi, file.Resolution);
            Assert.Equal("24,20", file.Provenance["network_grid_yx"]);
            Assert.Contains(file.ReadPredictions().Data, v => v > 0);
        }

        // --resample off: the data as stored, with the warning of old.
        var stored = _folder.File("stored.hdf");
        var off = CliRun.Of("generate", data, model, "--out", stored, "--device", "cpu", "--resample", "off");
        Assert.True(off.ExitCode == 0, off.Output + off.Errors);
        Assert.Contains("warning", off.Output + off.Errors);
        using (var file = CremiFile.Open(stored))
            Assert.Equal("as stored", file.Provenance["network_grid_yx"]);
    }

    [Fact]
    public void An_unknown_resample_mode_is_refused_before_anything_is_written()
    {
        var (data, mask) = (TinyData(), _folder.File("mask.hdf"));
        var run = CliRun.Of("generate", data, TinyModel(), "--out", mask, "--resample", "sometimes");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--resample 'sometimes': expected auto or off", run.Errors);
        Assert.False(File.Exists(mask));
    }

    [Fact]
    public void Generate_writes_probabilities_and_the_components_of_their_thresholded_mask_as_cleft_ids()
    {
        var (data, model, mask) = (TinyData(), TinyModel(), _folder.File("mask.hdf"));
        var run = CliRun.Of("generate", data, model, "--out", mask, "--min-size", "0", "--batch", "3", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);

        using var file = CremiFile.Open(mask);
        Assert.Equal(new Shape3(6, 48, 40), file.Shape);
        Assert.Equal(VoxelSize.Cremi, file.Resolution);
        Assert.True(file.HasClefts && file.HasPredictions);
        Assert.Equal("0.5", file.Provenance["threshold"]);
        Assert.Equal(Path.GetFullPath(model), file.Provenance["model"]);
        Assert.Contains("tool_version", file.Provenance.Keys);
        var p = file.ReadPredictions().Data;
        var ids = file.ReadClefts().Data;
        Assert.Contains(p, v => v > 0);
        for (var i = 0; i < p.Length; i++) Assert.Equal(p[i] >= CleftLabelling.Level(0.5), ids[i] != CleftLabel.Background);
        var n = ids.Where(v => v != CleftLabel.Background).Distinct().Count();
        Assert.All(ids.Where(v => v != CleftLabel.Background), v => Assert.InRange(v, 1UL, (ulong)n));
    }

    [Fact]
    public void A_model_file_that_is_not_one_fails_with_exit_1_naming_it_and_leaves_no_output()
    {
        var data = TinyData();
        var bad = _folder.File("bad.cremi");
        File.WriteAllText(bad, "not a zip");
        var mask = _folder.File("mask.hdf");
        var run = CliRun.Of("generate", data, bad, "--out", mask);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad.cremi", run.Errors);
        Assert.False(File.Exists(mask));
        Assert.Equal(new[] { "bad.cremi", "data.hdf" }, _folder.Names());
    }

    [Fact]
    public void A_pth_without_arch_seed_is_refused_with_a_hint()
    {
        var data = TinyData();
        var pth = _folder.File("weights.pth");
        File.WriteAllText(pth, "x");
        var run = CliRun.Of("generate", data, pth, "--out", _folder.File("mask.hdf"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--arch seed", run.Errors);
    }

    [Fact]
    public async Task Generate_with_display_serves_the_data_and_the_new_mask()
    {
        var data = TinyData();
        var model = TinyModel();
        var mask = _folder.File("shown.hdf");
        using var process = await DisplayProcess.StartCommandAsync("generate", data, model, "--out", mask, "--display", "--port", "0");
        using var http = new HttpClient();
        var state = await http.GetStringAsync(new Uri(process.ViewerUrl, "/state.json"));
        Assert.Contains("/data/mask", state);
        Assert.Contains("/data/raw", state);
        Assert.True(File.Exists(mask));
        Assert.Equal(0, await process.StopAsync());
    }
}
