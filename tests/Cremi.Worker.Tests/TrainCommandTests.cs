using System.Text.Json;

namespace Cremi.Worker.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public void Train_on_a_synthetic_file_writes_a_model_with_its_history_plot_and_pytorch_export()
    {
        using var folder = new TempFolder();
        var data = folder.File("a.hdf");
        Assert.Equal(0, CliRun.Of("synth", data, "--shape", "16,160,160", "--seed", "4").ExitCode);
        var output = Path.Combine(folder.Path, "run");
        var run = CliRun.Of("train", data, "--out", output, "--window", "8,64,64", "--filters", "4", "--depth", "2",
            "--in-plane-levels", "1", "--epochs", "2", "--steps-per-epoch", "3", "--batch", "1", "--preprocess", "minmax",
            "--export-pth", Path.Combine(output, "model.pth"));
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        foreach (var name in new[] { "model.cremi", "checkpoint.ckpt", "history.csv", "metrics.json", "loss.png", "model.pth" })
            Assert.True(File.Exists(Path.Combine(output, name)), $"{name} missing; output:\n{run.Output}");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(6, metrics.RootElement.GetProperty("steps").GetInt64());
        Assert.Contains("training summary", run.Output);
    }

    [Fact]
    public void Isotropic_data_gets_a_fully_3D_network_and_a_cubic_window_and_the_model_remembers_its_voxel_size()
    {
        using var folder = new TempFolder();
        var data = folder.File("fib.hdf");
        var synth = CliRun.Of("synth", data, "--shape", "80,64,64", "--seed", "5", "--resolution", "8,8,8");
        Assert.True(synth.ExitCode == 0, synth.Errors + synth.Output);
        Assert.Contains("8,8,8 nm", synth.Output);
        var output = Path.Combine(folder.Path, "run");
        var run = CliRun.Of("train", data, "--out", output, "--filters", "4", "--depth", "2", "--epochs", "1",
            "--steps-per-epoch", "2", "--batch", "1", "--val-windows", "1", "--calibration-voxels", "0");
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        var said = string.Join(' ', run.Output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("window 64x64x64, 0 in-plane level(s) for 8,8,8 nm voxels", said);
        var model = Cremi.Learning.Training.ModelFile.ReadDescription(Path.Combine(output, "model.cremi"));
        Assert.Equal(new Cremi.Core.Volumes.VoxelSize(8, 8, 8), model.TrainedResolution);
        Assert.Equal(new Cremi.Core.Volumes.Shape3(64, 64, 64), model.Window);
        Assert.All(model.Spec.Pools, p => Assert.Equal(new Cremi.Core.Volumes.Shape3(2, 2, 2), p));
        Assert.Equal("robust", model.Preprocessing); // the default for our own network
    }

    [Fact]
    public void A_training_file_at_other_pixels_is_resized_to_the_first_files_and_the_run_says_so()
    {
        using var folder = new TempFolder();
        var (fine, coarse) = (folder.File("fine.hdf"), folder.File("coarse.hdf"));
        Assert.Equal(0, CliRun.Of("synth", fine, "--shape", "16,96,96", "--seed", "2").ExitCode);
        Assert.Equal(0, CliRun.Of("synth", coarse, "--shape", "16,96,88", "--seed", "3", "--resolution", "40,8,8").ExitCode);

        var run = Workflows.TrainingRun.Check(new Commands.TrainSettings { Data = [fine], ValidationFiles = [coarse] });
        Assert.Equal(["coarse.hdf (40,8,8 nm) resized in-plane from 96x88 to 192x176, the first file's 4x4 nm pixels"], run.ResampleNotes);
        run.Load();

        var validation = Assert.Single(run.Validation);
        Assert.Equal(new Cremi.Core.Volumes.Shape3(16, 192, 176), validation.Shape);
        Assert.Equal(new Cremi.Core.Volumes.VoxelSize(40, 4, 4), validation.Image.Resolution);
        Assert.True(validation.CountCleftVoxels() > 0);
        Assert.Equal(new Cremi.Core.Volumes.Shape3(16, 96, 96), Assert.Single(run.Train).Shape with { Z = 16 });
    }

    [Fact]
    public void The_window_is_planned_no_deeper_than_the_thinnest_volume_trained_on()
    {
        using var folder = new TempFolder();
        var (thin, thick) = (folder.File("thin.hdf"), folder.File("thick.hdf"));
        Assert.Equal(0, CliRun.Of("synth", thin, "--shape", "10,192,192", "--seed", "2").ExitCode);
        Assert.Equal(0, CliRun.Of("synth", thick, "--shape", "24,192,192", "--seed", "3").ExitCode);
        Cremi.Core.Volumes.Shape3 Planned(string[] data, string[] validation) =>
            Workflows.TrainingRun.Check(new Commands.TrainSettings { Data = data, ValidationFiles = validation }).Options.Window;

        Assert.Equal(new(10, 160, 160), Planned([thin], [thick]));       // all 10 sections train: the window tried by hand
        Assert.Equal(new(8, 184, 184), Planned([thin], []));             // 8 train, the last 2 validate
        Assert.Equal(new(16, 128, 128), Planned([thick, thin], [thin])); // the thin file only validates
        Assert.Equal(new(8, 184, 184), Planned([thick, thin], []));      // the thinnest decides: 8 of its sections train (19 of thick's)
        Assert.Equal("as deep as the 8 section(s) trained on of the thinnest volume",
            Workflows.TrainingRun.Check(new Commands.TrainSettings { Data = [thin] }).WindowNote);
        Assert.Null(Workflows.TrainingRun.Check(new Commands.TrainSettings { Data = [thick], ValidationFiles = [thin] }).WindowNote);
        Assert.Null(Workflows.TrainingRun.Check(new Commands.TrainSettings { Data = [thin], Window = "8,64,64" }).WindowNote);
    }

    [Theory]
    [InlineData("unet", null, "robust")]
    [InlineData("seed", null, "seed")]
    [InlineData("unet", "clahe:2:8,minmax", "clahe:2:8,minmax")]
    public void Unset_preprocessing_is_robust_for_our_network_and_the_python_tools_own_for_its_network(string arch, string? given, string expected)
    {
        var settings = new Commands.TrainSettings { Arch = arch, Preprocess = given };

        Assert.Equal(expected, settings.PreprocessSpec);
    }

    [Fact]
    public void A_bad_resolution_for_synth_is_refused_naming_the_option()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("synth", folder.File("x.hdf"), "--shape", "4,32,32", "--resolution", "8,0,8");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--resolution", run.Errors);
        Assert.False(File.Exists(folder.File("x.hdf")));
    }

    [Fact]
    public void A_window_that_does_not_fit_the_network_is_refused_with_the_sizes_that_would()
    {
        using var folder = new TempFolder();
        var data = folder.File("a.hdf");
        CliRun.Of("synth", data, "--shape", "8,64,64");
        var run = CliRun.Of("train", data, "--out", folder.File("run"), "--window", "6,60,64");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("multiples", run.Errors);
        Assert.False(Directory.Exists(folder.File("run")));
    }

    [Fact]
    public void An_unknown_precision_is_refused_naming_the_choices_before_any_output()
    {
        using var folder = new TempFolder();
        var data = folder.File("a.hdf");
        CliRun.Of("synth", data, "--shape", "8,64,64");
        var run = CliRun.Of("train", data, "--out", folder.File("run"), "--precision", "fp16");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--precision must be auto, fp32 or bf16", run.Errors + run.Output);
        Assert.False(Directory.Exists(folder.File("run")));
    }

    [Fact]
    public void Training_needs_labels_and_says_which_file_lacks_them()
    {
        using var folder = new TempFolder();
        var mask = folder.File("mask.hdf");
        new PureHDF.H5File { ["data"] = new byte[4, 16, 16] }.Write(mask);
        var run = CliRun.Of("train", mask, "--out", folder.File("run"), "--window", "4,16,16");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(mask, run.Errors);
    }
}
