using System.Diagnostics;
using System.Text.Json;
using Cremi.Hdf5;
using Xunit.Abstractions;

namespace Cremi.Worker.Tests.Worker;

/// <summary>The Done-when scenarios of the worker service, each against a real `cremi worker` process.</summary>
[Collection(nameof(WorkerServiceTests))]
public sealed class WorkerServiceTests(WorkerFixture fixture, ITestOutputHelper output) : IClassFixture<WorkerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Three_files_dropped_at_once_give_two_masks_and_one_failure_and_lose_nothing()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        using var worker = await WorkerProcess.StartAsync(folders, fixture.Model);
        var bytes = await File.ReadAllBytesAsync(fixture.Data);

        var slow = WriteSlowly(Path.Combine(folders.Inbox, "slow.hdf"), bytes, pieces: 8, pause: TimeSpan.FromMilliseconds(300));
        File.Copy(fixture.Data, Path.Combine(folders.Inbox, "valid.hdf"));
        await File.WriteAllBytesAsync(Path.Combine(folders.Inbox, "corrupt.hdf"), bytes[..(bytes.Length / 3)]);
        await slow;

        await WorkerFolders.WaitUntil(() => folders.Published.Length == 2 && folders.InState("succeeded") == 2 && folders.FailedJobs.Length == 1,
            Patience, () => worker.Output);
        Assert.Empty(Directory.GetFiles(folders.Inbox));
        foreach (var job in folders.Published)
        {
            using var mask = CremiFile.Open(Path.Combine(folders.Outbox, job, "mask.hdf"));
            Assert.Equal(new Cremi.Core.Volumes.Shape3(8, 64, 64), mask.Shape);
            Assert.True(File.Exists(Path.Combine(folders.Outbox, job, "section.png")));
            Assert.True(File.Exists(Path.Combine(folders.Outbox, job, "metrics.json")));
        }
        Assert.Equal(["slow.hdf", "valid.hdf"], folders.Published.Select(j => Source(folders, j)).Order());

        // Every finished job is listed with a Neuroglancer view of its input beside its mask.
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = worker.Address })
        {
            var index = await http.GetStringAsync("/");
            foreach (var job in folders.Published)
            {
                Assert.Contains($"/jobs/{Uri.EscapeDataString(job)}/view", index);
                var view = await http.GetAsync($"/jobs/{Uri.EscapeDataString(job)}/view");
                Assert.Equal(System.Net.HttpStatusCode.Redirect, view.StatusCode);
                Assert.StartsWith("/viewer/#!", view.Headers.Location!.OriginalString);
                using var info = JsonDocument.Parse(await http.GetStringAsync($"/jobs/{Uri.EscapeDataString(job)}/data/mask/info"));
                Assert.Equal("segmentation", info.RootElement.GetProperty("type").GetString());
            }
        }

        var failed = Path.Combine(folders.Failed, folders.FailedJobs[0]);
        Assert.Equal(bytes.Length / 3, new FileInfo(Path.Combine(failed, "corrupt.hdf")).Length); // the user's file, untouched
        using var error = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(failed, "error.json")));
        Assert.Contains("corrupt.hdf", error.RootElement.GetProperty("why").GetString());
        Assert.True(error.RootElement.GetProperty("attempts").GetInt32() > 1);
        Assert.Matches("^[0-9a-f]{32}$", error.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_a_job_finishes_it_exactly_once_after_a_restart()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        // A job of tens of seconds: the kill below must land inside it on any machine (with the 16x128x128 volume the
        // whole job once ended within the second the test waited, after batches of one got faster).
        var large = fixture.Larger();
        var expected = root.File("expected.hdf");
        Assert.Equal(0, CliRun.Of("generate", large, fixture.Model, "--out", expected).ExitCode);

        string jobId;
        using (var first = await WorkerProcess.StartAsync(folders, fixture.Model))
        {
            File.Copy(large, Path.Combine(folders.Inbox, "large.hdf"));
            await WorkerFolders.WaitUntil(() => folders.InState("running") > 0, Patience, () => first.Output);
            await Task.Delay(TimeSpan.FromSeconds(1)); // into the inference
            jobId = WorkerFolders.Folders(folders.Work).Single();
            Assert.Empty(folders.Published);
            await first.SignalAsync("KILL");
        }
        Assert.Empty(folders.Published);

        using var second = await WorkerProcess.StartAsync(folders, fixture.Model);
        // The outbox folder is the commit point; job.json says "succeeded" a moment after it, so wait for both.
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 1 && folders.InState("succeeded") == 1, Patience, () => second.Output);
        Assert.Equal([jobId], folders.Published);
        var job = folders.Job(jobId);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(2, job.GetProperty("runs").GetInt32());
        Assert.Empty(Directory.GetDirectories(folders.Outbox, ".staging-*"));
        using var mask = CremiFile.Open(Path.Combine(folders.Outbox, jobId, "mask.hdf"));
        using var reference = CremiFile.Open(expected);
        Assert.Equal(reference.ReadPredictions().Data, mask.ReadPredictions().Data);
        Assert.Equal(reference.ReadClefts().Data, mask.ReadClefts().Data);
    }

    [Fact]
    public async Task SIGTERM_during_training_leaves_a_checkpoint_that_the_restarted_job_resumes_from()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        // Long enough that the run is surely still training when the signal comes (tiny steps take milliseconds).
        const int epochs = 3, steps = 400;
        var manifest = JsonSerializer.Serialize(new
        {
            kind = "train",
            inputs = new[] { fixture.Data },
            options = new Dictionary<string, object>
            {
                ["filters"] = 4, ["depth"] = 2, ["in-plane-levels"] = 1, ["window"] = "8,32,32", ["epochs"] = epochs,
                ["steps-per-epoch"] = steps, ["batch"] = 1, ["preprocess"] = "minmax", ["patience"] = 0,
            },
        });
        string jobId;
        using (var first = await WorkerProcess.StartAsync(folders, null))
        {
            await File.WriteAllTextAsync(Path.Combine(folders.Inbox, "run.job.json"), manifest);
            await WorkerFolders.WaitUntil(() => first.Output.Contains(": epoch 1:"), Patience, () => first.Output);
            Assert.Equal(0, await first.SignalAsync("TERM"));
            Assert.Contains("stopped by shutdown", first.Output);
            jobId = WorkerFolders.Folders(folders.Work).Single();
        }
        Assert.Empty(folders.Published);
        Assert.True(File.Exists(Path.Combine(folders.Work, jobId, "train", "checkpoint.ckpt")));

        using var second = await WorkerProcess.StartAsync(folders, null);
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 1, Patience, () => second.Output);
        var resumed = System.Text.RegularExpressions.Regex.Match(second.Output, @"resuming from checkpoint at step (\d+)");
        Assert.True(resumed.Success, second.Output);
        Assert.InRange(long.Parse(resumed.Groups[1].Value), steps, epochs * steps - 1); // after epoch 1, before the end
        foreach (var name in new[] { "model.cremi", "metrics.json", "loss.png", "history.csv" })
            Assert.True(File.Exists(Path.Combine(folders.Outbox, jobId, name)), name);
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folders.Outbox, jobId, "metrics.json")));
        Assert.Equal(epochs * steps, metrics.RootElement.GetProperty("steps").GetInt64());
    }

    [Fact]
    public async Task Fifty_files_dropped_in_a_burst_are_all_processed_once()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        using var worker = await WorkerProcess.StartAsync(folders, fixture.Model, "--set", "Worker:GpuJobs=2");
        var clock = Stopwatch.StartNew();
        const int count = 50;
        for (var i = 0; i < count; i++) File.Copy(fixture.Data, Path.Combine(folders.Inbox, $"burst{i:D2}.hdf"));
        await WorkerFolders.WaitUntil(() => folders.Published.Length == count && folders.InState("succeeded") == count,
            TimeSpan.FromMinutes(3), () => worker.Output);
        var seconds = clock.Elapsed.TotalSeconds;

        var jobs = (await worker.JobsAsync()).EnumerateArray().ToList();
        Assert.Equal(count, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(("succeeded", 1), (j.GetProperty("state").GetString(), j.GetProperty("runs").GetInt32())));
        Assert.Equal(count, jobs.Select(j => j.GetProperty("source").GetString()).Distinct().Count());
        Assert.Empty(folders.FailedJobs);
        Assert.Empty(Directory.GetFiles(folders.Inbox));
        output.WriteLine($"{count} files of 8x64x64 in {seconds:F1} s: {count / seconds:F2} files/s, " +
                         $"{count * 8 * 64 * 64 / seconds / 1e3:F0} k voxels/s end to end; peak RSS {worker.PeakMemoryMiB():F0} MiB");
    }

    [Fact]
    public void A_bad_setting_stops_start_up_with_a_message_naming_it()
    {
        using var root = new TempFolder();
        var run = CliRun.Of("worker", "--inbox", root.Path, "--outbox", root.Path, "--work", root.File("w"), "--failed", root.File("f"), "--port", "0",
            "--set", "Telemetry:Console=false");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Worker:Inbox and Worker:Outbox are the same folder", run.Errors);
    }

    private static async Task WriteSlowly(string path, byte[] bytes, int pieces, TimeSpan pause)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var size = (bytes.Length + pieces - 1) / pieces;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
            await stream.FlushAsync();
            await Task.Delay(pause);
        }
    }

    private static string Source(WorkerFolders folders, string jobId) => folders.Job(jobId).GetProperty("source").GetString()!;

}
