using System.Text.Json;
using Cremi.Hdf5;
using Cremi.Learning.Training;
using Cremi.Worker.Tests.Worker;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Worker.Tests.Blocks;

/// <summary>A block-wise job on one worker with the default in-memory store: the same blocks and assembly, no database.</summary>
[Collection(nameof(WorkerServiceTests))] // not beside the other worker tests: the machine has two cores
public sealed class BlockwiseWorkerTests(WorkerFixture fixture) : IClassFixture<WorkerFixture>
{
    [Fact]
    public async Task A_volume_above_BlockVoxels_is_split_assembled_and_published_like_a_whole_job()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        var expected = root.File("expected.hdf");
        Assert.Equal(0, CliRun.Of("generate", fixture.Data, fixture.Model, "--out", expected).ExitCode);
        using var worker = await WorkerProcess.StartAsync(folders, fixture.Model, "--set", $"Worker:BlockVoxels={8 * 64 * 64 / 4}");
        File.Copy(fixture.Data, Path.Combine(folders.Inbox, "a.hdf"));
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 1 && folders.InState("succeeded") == 1, TimeSpan.FromMinutes(2), () => worker.Output);
        var jobId = folders.Published.Single();
        Assert.Matches($"job {jobId}: volume 8x64x64 split into [4-9] blocks", worker.Output);
        Assert.Equal(["mask.hdf", "metrics.json", "section.png"], Directory.GetFiles(Path.Combine(folders.Outbox, jobId)).Select(Path.GetFileName).Order());
        using var mask = CremiFile.Open(Path.Combine(folders.Outbox, jobId, "mask.hdf"));
        using var reference = CremiFile.Open(expected);
        Assert.Equal(reference.ReadPredictions().Data, mask.ReadPredictions().Data);
        Assert.Equal(reference.ReadClefts().Data, mask.ReadClefts().Data);
    }

    [Fact]
    public async Task A_model_file_replaced_mid_job_fails_the_job_instead_of_mixing_two_models_blocks()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        var model = root.File("model.cremi"); // the worker's model, replaced below while the job runs
        File.Copy(fixture.Model, model);
        var other = root.File("other.cremi");
        var (description, module) = ModelFile.Load(fixture.Model, CPU);
        using (module)
        {
            using (no_grad()) using (var delta = 0.01f.ToScalar()) module.parameters().First().add_(delta);
            ModelFile.Save(other, description, module);
        }
        var data = fixture.Large(); // 16x128x128: eight blocks; TTA makes each take a second or more
        using var worker = await WorkerProcess.StartAsync(folders, model, "--set", $"Worker:BlockVoxels={16 * 128 * 128 / 8}");
        await File.WriteAllTextAsync(Path.Combine(folders.Inbox, "large.job.json"),
            JsonSerializer.Serialize(new { kind = "generate", inputs = new[] { data }, options = new Dictionary<string, object> { ["tta"] = true } }));
        await WorkerFolders.WaitUntil(() => worker.Output.Contains(" done in ") && worker.Output.Contains(": block "), TimeSpan.FromMinutes(2), () => worker.Output);
        var replacement = root.File("model.cremi.new");
        File.Copy(other, replacement);
        File.Move(replacement, model, overwrite: true); // as a user replacing a model file would: by rename

        await WorkerFolders.WaitUntil(() => folders.FailedJobs.Length == 1, TimeSpan.FromMinutes(2), () => worker.Output);
        Assert.Empty(folders.Published);
        using var error = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folders.Failed, folders.FailedJobs[0], "error.json")));
        var why = error.RootElement.GetProperty("why").GetString()!;
        Assert.Contains("plan.json", why);
        Assert.Contains("another model", why);
    }
}
