using System.Diagnostics;
using System.Text.Json;

namespace Cremi.Worker.Tests.Batch;

/// <summary>
/// deploy/Cremi.Batch.proj run by `dotnet msbuild` as a lab runs it: masks and metrics for new or changed volumes
/// only, one MSBuild error per bad volume (naming it) while the others are made, and Clean removing what it made.
/// </summary>
public sealed class BatchTargetsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _inbox, _outbox, _model;

    public BatchTargetsTests()
    {
        _inbox = Directory.CreateDirectory(_folder.File("volumes")).FullName;
        _outbox = _folder.File("out");
        foreach (var (name, seed) in new[] { ("a", 1), ("b", 2) })
            Assert.Equal(0, CliRun.Of("synth", Path.Combine(_inbox, name + ".hdf"), "--shape", "8,64,64", "--seed", seed.ToString()).ExitCode);
        var train = CliRun.Of("train", Path.Combine(_inbox, "a.hdf"), "--out", _folder.File("model"), "--filters", "2",
            "--window", "8,32,32", "--epochs", "1", "--steps-per-epoch", "2");
        Assert.True(train.ExitCode == 0, train.Errors + train.Output);
        _model = _folder.File("model/model.cremi");
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Builds_only_what_changed_reports_bad_volumes_and_cleans_up()
    {
        File.WriteAllText(Path.Combine(_inbox, "broken.hdf"), "not an HDF5 file");

        // First build: two masks with metrics; the broken volume is an error naming it, with no output.
        var first = await MsBuildAsync();
        Assert.NotEqual(0, first.ExitCode);
        Assert.Contains("broken.hdf", first.Output);
        Assert.Contains("error", first.Output);
        string[] made = ["a.mask.hdf", "a.metrics.json", "b.mask.hdf", "b.metrics.json"];
        Assert.Equal(made, Directory.GetFiles(_outbox).Select(Path.GetFileName).Order().ToArray());
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_outbox, "a.metrics.json"))))
        {
            Assert.Equal("a.hdf", metrics.RootElement.GetProperty("input").GetString());
            Assert.True(metrics.RootElement.GetProperty("evaluation").TryGetProperty("f1", out _), "a labelled volume is evaluated");
        }
        Assert.True(File.Exists(Path.Combine(_inbox, "broken.hdf")), "the user's file is kept");

        // Second build, the bad file removed: nothing is redone.
        File.Delete(Path.Combine(_inbox, "broken.hdf"));
        var stamps = made.ToDictionary(n => n, n => File.GetLastWriteTimeUtc(Path.Combine(_outbox, n)));
        var second = await MsBuildAsync();
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.All(made, n => Assert.Equal(stamps[n], File.GetLastWriteTimeUtc(Path.Combine(_outbox, n))));

        // A changed volume is redone, alone.
        File.SetLastWriteTimeUtc(Path.Combine(_inbox, "a.hdf"), DateTime.UtcNow.AddSeconds(5));
        var third = await MsBuildAsync();
        Assert.True(third.ExitCode == 0, third.Output);
        Assert.NotEqual(stamps["a.mask.hdf"], File.GetLastWriteTimeUtc(Path.Combine(_outbox, "a.mask.hdf")));
        Assert.Equal(stamps["b.mask.hdf"], File.GetLastWriteTimeUtc(Path.Combine(_outbox, "b.mask.hdf")));

        // Clean removes exactly what the build made; the volumes stay.
        var clean = await MsBuildAsync("-t:Clean");
        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.Empty(Directory.GetFiles(_outbox));
        Assert.Equal(new[] { "a.hdf", "b.hdf" }, Directory.GetFiles(_inbox).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public async Task With_a_worker_inbox_the_volumes_are_handed_off_whole_and_once()
    {
        var workerInbox = _folder.File("worker-inbox");
        var first = await MsBuildAsync($"-p:CremiWorkerInbox={workerInbox}");
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(new[] { "a.hdf", "b.hdf" }, Directory.GetFiles(workerInbox).Select(Path.GetFileName).Order().ToArray());
        Assert.Equal(File.ReadAllBytes(Path.Combine(_inbox, "a.hdf")), File.ReadAllBytes(Path.Combine(workerInbox, "a.hdf")));

        // The worker claims (moves away) what it gets; an unchanged volume is not handed off again.
        foreach (var file in Directory.GetFiles(workerInbox)) File.Delete(file);
        var second = await MsBuildAsync($"-p:CremiWorkerInbox={workerInbox}");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Empty(Directory.GetFiles(workerInbox));
    }

    [Fact]
    public async Task A_missing_model_is_an_error_before_anything_runs()
    {
        var run = await MsBuildAsync($"-p:CremiModel={_folder.File("nope.cremi")}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("nope.cremi", run.Output);
        Assert.False(Directory.Exists(_outbox) && Directory.GetFiles(_outbox).Length > 0);
    }

    private async Task<(int ExitCode, string Output)> MsBuildAsync(params string[] extra)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "msbuild", Path.Combine(AppContext.BaseDirectory, "deploy", "Cremi.Batch.proj"), "-nologo", "-v:m", "-nodeReuse:false",
                     $"-p:Inbox={_inbox}", $"-p:Outbox={_outbox}", $"-p:CremiModel={_model}",
                     $"-p:CremiCommand={dotnet} {Path.Combine(AppContext.BaseDirectory, "cremi.dll")}",
                 }.Concat(extra))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
