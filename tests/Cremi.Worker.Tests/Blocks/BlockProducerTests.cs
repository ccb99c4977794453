using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using Cremi.Learning.Training;
using Cremi.Worker.Commands;
using Cremi.Worker.Tests.Worker;
using Cremi.Worker.Workflows;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Worker.Tests.Blocks;

/// <summary>The producer stamp of block plans: no block of another model or other prediction settings joins a mask.</summary>
public sealed class BlockProducerTests(WorkerFixture fixture) : IClassFixture<WorkerFixture>
{
    private static BlockPlan Plan(string? producer) =>
        new(new Shape3(8, 64, 64), BlockGrid.Split(new Shape3(8, 64, 64), new Shape3(8, 32, 32), new Shape3(4, 16, 16), 8 * 32 * 32), producer);

    [Fact]
    public void A_plan_refuses_another_producer_and_names_its_file()
    {
        Plan("aaaa").EnsureProducer("aaaa", "/work/x/grid/plan.json");
        Plan(null).EnsureProducer("bbbb", "/work/x/grid/plan.json"); // a plan from before the stamp: nothing to compare
        var error = Assert.Throws<InvalidDataException>(() => Plan("aaaa1111bbbb2222").EnsureProducer("cccc3333dddd4444", "/work/x/grid/plan.json"));
        Assert.StartsWith("/work/x/grid/plan.json: ", error.Message);
        Assert.Contains("another model", error.Message);
        Assert.Contains("aaaa1111bbbb", error.Message);
        Assert.Contains("cccc3333dddd", error.Message);
    }

    [Fact]
    public void The_stamp_is_kept_in_the_plan_file_and_the_first_plan_wins()
    {
        using var folder = new TempFolder();
        var blocks = new BlockFolder(folder.File("grid"));
        Assert.Equal("first", blocks.Fix(Plan("first")).Producer);
        Assert.Equal("first", blocks.Fix(Plan("second")).Producer);
        Assert.Equal("first", blocks.ReadPlan().Producer);
    }

    [Fact]
    public void The_producer_follows_the_model_bytes_and_the_score_settings_but_not_the_path_device_or_batch()
    {
        using var folder = new TempFolder();
        var data = folder.File("data.hdf");
        Assert.Equal(0, CliRun.Of("synth", data, "--shape", "8,64,64", "--seed", "3").ExitCode);
        var copy = folder.File("copy.cremi");
        File.Copy(fixture.Model, copy);
        var other = folder.File("other.cremi");
        var (description, module) = ModelFile.Load(fixture.Model, CPU);
        using (module)
        {
            using (no_grad()) using (var delta = 0.01f.ToScalar()) module.parameters().First().add_(delta); // one weight changed: another model
            ModelFile.Save(other, description, module);
        }
        string Producer(string model, int batch = 2, bool tta = false, string device = "cpu")
        {
            using var setup = GenerationSetup.Open(new GenerateSettings { Data = data, Model = model, Batch = batch, Tta = tta, Device = device },
                folder.File("unused.hdf"));
            return setup.BlockProducer();
        }
        var reference = Producer(fixture.Model);
        Assert.Matches("^[0-9a-f]{64}$", reference);
        Assert.Equal(reference, Producer(copy));
        Assert.Equal(reference, Producer(fixture.Model, batch: 4));
        Assert.Equal(reference, Producer(fixture.Model, device: "auto"));
        Assert.NotEqual(reference, Producer(other));
        Assert.NotEqual(reference, Producer(fixture.Model, tta: true));
    }
}
