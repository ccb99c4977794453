using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cremi.Hdf5;
using Xunit.Abstractions;

namespace Cremi.Worker.Tests.Worker;

/// <summary>
/// A generation job stopped in the middle of its volume (SIGTERM: a graceful stop; SIGKILL: none) goes on after a
/// restart from the blocks already finished, and its mask equals that of an uninterrupted `cremi generate`.
/// </summary>
[Collection(nameof(WorkerServiceTests))]
public sealed partial class WorkerResumeTests(WorkerFixture fixture, ITestOutputHelper output) : IClassFixture<WorkerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public async Task A_generation_stopped_mid_volume_resumes_at_its_next_block_and_writes_the_uninterrupted_mask(string signal)
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        var (data, expected) = fixture.Deep();
        var manifest = JsonSerializer.Serialize(new
        {
            kind = "generate",
            inputs = new[] { data },
            options = new Dictionary<string, object> { ["slab"] = 8, ["tta"] = true }, // = WorkerFixture.BlockOptions
        });
        var clock = Stopwatch.StartNew();

        string jobId;
        int doneBefore, blocks;
        using (var first = await WorkerProcess.StartAsync(folders, fixture.Model))
        {
            await File.WriteAllTextAsync(Path.Combine(folders.Inbox, "deep.job.json"), manifest);
            // Two blocks finished: the stop lands in the middle of the volume.
            await WorkerFolders.WaitUntil(() => BlockDone().Matches(first.Output).Count >= 2, Patience, () => first.Output);
            Assert.Equal(signal == "TERM" ? 0 : 137, await first.SignalAsync(signal));
            var done = BlockDone().Matches(first.Output);
            (doneBefore, blocks) = (done.Count, int.Parse(done[0].Groups[2].Value));
            if (signal == "TERM") Assert.Contains("stopped by shutdown", first.Output);
            jobId = WorkerFolders.Folders(folders.Work).Single();
        }
        Assert.Empty(folders.Published);
        Assert.True(File.Exists(Path.Combine(folders.Work, jobId, "blocks", "carry.bin")), "the journal of finished blocks");
        Assert.True(doneBefore < blocks, $"the job finished all {blocks} blocks before the {signal}; nothing left to resume");
        var firstRun = clock.Elapsed;

        using var second = await WorkerProcess.StartAsync(folders, fixture.Model);
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 1 && folders.IsInState(jobId, "succeeded"), Patience, () => second.Output);
        // The console logger writes from a queue: wait for the job's last line, and every earlier one is there too.
        await WorkerFolders.WaitUntil(() => second.Output.Contains($"job {jobId} done in"), Patience, () => second.Output);

        // (a) It went on from the journal: every block logged as done before the stop was skipped, and only the
        //     rest was computed. (A KILL may hit after a block was journalled and before its log line was read.)
        var resumed = Resumed().Match(second.Output);
        Assert.True(resumed.Success, second.Output);
        var (taken, left) = (int.Parse(resumed.Groups[1].Value), int.Parse(resumed.Groups[3].Value));
        Assert.Equal(blocks, int.Parse(resumed.Groups[2].Value));
        if (signal == "TERM") Assert.Equal(doneBefore, taken);
        else Assert.InRange(taken, doneBefore, blocks - 1);
        Assert.Equal(blocks - taken, left);
        Assert.Equal(left, BlockDone().Matches(second.Output).Count);

        // (b) The mask is the uninterrupted run's, voxel for voxel, scores and ids; the journal is gone.
        using (var mask = CremiFile.Open(Path.Combine(folders.Outbox, jobId, "mask.hdf")))
        using (var reference = CremiFile.Open(expected))
        {
            Assert.Equal(reference.ReadPredictions().Data, mask.ReadPredictions().Data);
            Assert.Equal(reference.ReadClefts().Data, mask.ReadClefts().Data);
        }
        Assert.False(Directory.Exists(Path.Combine(folders.Work, jobId, "blocks")));
        var job = folders.Job(jobId);
        Assert.Equal(2, job.GetProperty("runs").GetInt32());
        output.WriteLine($"SIG{signal}: stopped after {doneBefore} of {blocks} blocks ({firstRun.TotalSeconds:F1} s); " +
                         $"restart took {taken} from the journal, computed {left}; whole test {clock.Elapsed.TotalSeconds:F1} s");
    }

    [GeneratedRegex(@"block (\d+) of (\d+) done")]
    private static partial Regex BlockDone();

    [GeneratedRegex(@"(\d+) of (\d+) blocks taken from the journal, (\d+) to compute")]
    private static partial Regex Resumed();
}
