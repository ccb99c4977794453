using SkiaSharp;

namespace Cremi.Worker.Tests;

public sealed class RenderAndDemoCommandTests
{
    [Fact]
    public void Render_draws_the_section_with_truth_and_prediction_colours()
    {
        using var folder = new TempFolder();
        var data = folder.File("s.hdf");
        Assert.Equal(0, CliRun.Of("synth", data, "--shape", "12,160,160", "--seed", "4").ExitCode);
        Assert.Contains("\"voxels\"", CliRun.Of("info", data, "--json").Output);
        var png = folder.File("slice.png");
        // The data file as its own "prediction": every cleft voxel is then both true and predicted.
        var run = CliRun.Of("render", data, data, "--out", png);
        Assert.Equal(0, run.ExitCode);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(160, bitmap.Width);
        Assert.Equal(160, bitmap.Height);
        var coloured = 0;
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            if (c.Red != c.Green || c.Green != c.Blue) coloured++;
        }
        Assert.True(coloured > 0, "the default section is the one with the most clefts, so some pixels must be tinted");
    }

    [Fact]
    public void Render_refuses_a_section_outside_the_volume()
    {
        using var folder = new TempFolder();
        var data = folder.File("s.hdf");
        CliRun.Of("synth", data, "--shape", "4,64,64");
        var run = CliRun.Of("render", data, "--z", "4", "--out", folder.File("x.png"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("outside the volume's sections 0..3", run.Errors);
        Assert.Equal(["s.hdf"], folder.Names());
    }

    [Fact]
    public void Demo_synthesizes_preprocesses_and_renders_into_its_folder()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("demo", "--out", folder.Path, "--shape", "8,128,128", "--train-minutes", "0");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["section-preprocessed.png", "section.png", "synthetic.hdf"], folder.Names());
        Assert.Contains("preprocessing (robust)", run.Output);
    }

    [Fact]
    public void Demo_trains_for_its_budget_and_scores_a_held_out_volume_against_the_darkness_baseline()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("demo", "--out", folder.Path, "--shape", "8,128,128", "--train-minutes", "0.05", "--window", "4,32,32");
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        Assert.Contains("held-out.hdf", folder.Names());
        Assert.True(File.Exists(Path.Combine(folder.Path, "model", "model.cremi")));
        Assert.Contains("held-out voxel F1", run.Output);
        Assert.Contains("darkness baseline F1", run.Output);
        Assert.Contains("held-out-mask.hdf", folder.Names());
        Assert.Contains("generated mask against the held-out truth", run.Output);
        Assert.Contains("CREMI score", run.Output);
    }
}
