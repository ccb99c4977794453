using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cremi.Hdf5;
using Cremi.Worker.Tests.Worker;
using Xunit.Abstractions;

namespace Cremi.Worker.Tests.Cluster;

/// <summary>
/// Issue #7's Done-when for block-wise jobs: two `cremi worker` processes on one PostgreSQL share the blocks of one
/// volume; one is killed with SIGKILL in the middle of a block, the other finishes that block, and the assembled
/// mask is the single-process `cremi generate` mask.
/// </summary>
[Collection(nameof(WorkerServiceTests))] // not beside the other worker tests: the machine has two cores
public sealed partial class BlockwiseClusterTests(WorkerFixture fixture, PostgresFixture postgres, ITestOutputHelper output)
    : IClassFixture<WorkerFixture>, IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [PostgresFact]
    public async Task A_worker_killed_mid_block_has_the_block_finished_by_the_other_and_the_assembled_mask_equals_the_single_run()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        var connection = postgres.Server!.CreateDatabase();
        var data = fixture.Large(); // 16x128x128: eight blocks of 16x32x64 at the limit below
        var expected = root.File("expected.hdf");
        // TTA makes each block take a second or more on one core: long enough to be killed in the middle of one.
        Assert.Equal(0, CliRun.Of("generate", data, fixture.Model, "--out", expected, "--tta").ExitCode);
        string[] split = ["--set", $"Worker:BlockVoxels={16 * 128 * 128 / 8}"];
        var nodes = await Task.WhenAll(ClusterNode.StartAsync(folders, fixture.Model, connection, split),
            ClusterNode.StartAsync(folders, fixture.Model, connection, split));
        using var a = nodes[0];
        using var b = nodes[1];
        string Both() => a.Output + "\n----\n" + b.Output;

        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(folders.Inbox, "large.job.json"),
            JsonSerializer.Serialize(new { kind = "generate", inputs = new[] { data }, options = new Dictionary<string, object> { ["tta"] = true } }));
        // The first node seen starting a block is killed at once, with that block in flight.
        Match? started = null;
        await WorkerFolders.WaitUntil(() => (started = Started().Match(a.Output) is { Success: true } m ? m : Started().Match(b.Output)).Success,
            Patience, Both);
        var (victim, survivor) = Started().IsMatch(a.Output) ? (a, b) : (b, a);
        await victim.SignalAsync("KILL");
        await Task.Delay(500); // the killed process's last lines reach its output
        var count = int.Parse(started!.Groups[2].Value);
        var jobId = WorkerFolders.Folders(folders.Work).Single();
        Assert.True(count >= 8, $"only {count} blocks");
        // The block in flight at the kill: started by the victim and not done (on an idle machine the first block it
        // started may have finished before the signal landed; then it is the next one it took).
        var inFlight = Started().Matches(victim.Output).Select(m => m.Groups[1].Value)
            .Where(b => !victim.Output.Contains($"block {b} of {count} done")).ToList();
        Assert.True(inFlight.Count == 1, $"blocks in flight at the kill: {string.Join(", ", inFlight)}\n{victim.Output}");
        var block = inFlight[0];
        Assert.False(File.Exists(Path.Combine(folders.Work, jobId, "grid", $"core-{int.Parse(block):D4}.bin")), "the block finished before the kill");

        // The outbox folder and job.json come before the clean-up of the block files and the "done" log line, which
        // reaches the test through the node's output pipe later still: wait for all of them.
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 1 && folders.InState("succeeded") == 1
            && Both().Contains($"job {jobId} done in"), Patience, Both);
        var seconds = clock.Elapsed.TotalSeconds;
        // The survivor ran the killed node's block again (Quartz's recovery) and assembled the mask.
        Assert.Contains($"job {jobId}: block {block} of {count} started on", survivor.Output);
        Assert.Contains($"job {jobId}: block {block} of {count} done", survivor.Output);
        Assert.Single(Regex.Matches(Both(), $"job {jobId} done in")); // assembled and published once, by the survivor
        Assert.Contains($"job {jobId} done in", survivor.Output);
        Assert.Equal([jobId], folders.Published);
        Assert.False(Directory.Exists(Path.Combine(folders.Work, jobId, "grid")), "the block cores outlived the published mask");
        Assert.True(File.Exists(Path.Combine(folders.Outbox, jobId, "metrics.json")));

        using var mask = CremiFile.Open(Path.Combine(folders.Outbox, jobId, "mask.hdf"));
        using var reference = CremiFile.Open(expected);
        var worst = reference.ReadPredictions().Data.Zip(mask.ReadPredictions().Data, (p, q) => Math.Abs(p - q)).Max();
        Assert.InRange(worst, 0, 1);
        Assert.Equal(reference.ReadClefts().Data, mask.ReadClefts().Data);
        output.WriteLine($"16x128x128 with TTA in {count} blocks on two workers, one killed mid-block {block}: published in {seconds:F1} s; " +
                         $"largest probability difference {worst}/255");
    }

    [GeneratedRegex(@"block (\d+) of (\d+) started on")]
    private static partial Regex Started();
}
