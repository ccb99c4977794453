using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cremi.Worker.Tests.Worker;

/// <summary>
/// `cremi worker` as systemd runs it: a child process (the cremi.dll built beside the tests) on a free port, with
/// short claim timings; its output is collected line by line. Stopped with SIGTERM or killed with SIGKILL.
/// </summary>
internal sealed partial class WorkerProcess : IDisposable
{
    private readonly CremiChild _child;

    private WorkerProcess(WorkerFolders folders, string? model, string[] extra)
    {
        string[] args = ["worker", "--inbox", folders.Inbox, "--outbox", folders.Outbox, "--work", folders.Work, "--failed", folders.Failed,
            "--port", "0", "--set", "Worker:StableSeconds=0.5", "--set", "Worker:RetryDelaySeconds=0.2", "--set", "Worker:RescanSeconds=1",
            "--set", "Telemetry:Console=false", .. extra, .. model is null ? Array.Empty<string>() : ["--model", model]];
        _child = new CremiChild(args, line => Listening().Match(line) is { Success: true } m ? new Uri(m.Groups[1].Value) : null);
    }

    public static async Task<WorkerProcess> StartAsync(WorkerFolders folders, string? model, params string[] extra)
    {
        var worker = new WorkerProcess(folders, model, extra);
        await worker._child.WaitForAddressAsync("cremi worker did not start", TimeSpan.FromSeconds(60));
        return worker;
    }

    public Uri Address => _child.Address;
    public int Id => _child.Id;
    public string Output => _child.Output;

    /// <summary>Peak resident memory so far (VmHWM), in MiB.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{_child.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    public async Task<JsonElement> JobsAsync()
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/jobs"));
        return json.RootElement.Clone();
    }

    public Task<int> SignalAsync(string signal) => _child.SignalAsync(signal, TimeSpan.FromSeconds(60));

    public void Dispose() => _child.Dispose();

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();
}

internal sealed class WorkerFolders(string root)
{
    public string Inbox { get; } = Path.Combine(root, "inbox");
    public string Outbox { get; } = Path.Combine(root, "outbox");
    public string Work { get; } = Path.Combine(root, "work");
    public string Failed { get; } = Path.Combine(root, "failed");

    public static string[] Folders(string path) =>
        Directory.Exists(path) ? Directory.GetDirectories(path).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order().ToArray() : [];

    public string[] Published => Folders(Outbox);
    public string[] FailedJobs => Folders(Failed);

    /// <summary>A job's job.json as the worker last wrote it.</summary>
    public JsonElement Job(string id)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Work, id, "job.json")));
        return json.RootElement.Clone();
    }

    /// <summary>Whether job <paramref name="id"/>'s job.json says <paramref name="state"/> (false while it is being replaced).</summary>
    public bool IsInState(string id, string state)
    {
        try { return File.ReadAllText(Path.Combine(Work, id, "job.json")).Contains($"\"state\": \"{state}\""); }
        catch (IOException) { return false; }
    }

    /// <summary>Jobs whose job.json says <paramref name="state"/>.</summary>
    public int InState(string state) => Folders(Work).Count(id => IsInState(id, state));

    public static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"gave up after {timeout.TotalSeconds:F0} s:\n{describe()}");
            await Task.Delay(100);
        }
    }
}
