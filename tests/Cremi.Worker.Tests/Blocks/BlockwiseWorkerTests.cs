using Cremi.Hdf5;
using Cremi.Worker.Tests.Worker;

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
}
