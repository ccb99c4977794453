using System.Collections.Concurrent;
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
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(WorkerFolders folders, string? model, string[] extra)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cremi.dll"));
        string[] args = ["worker", "--inbox", folders.Inbox, "--outbox", folders.Outbox, "--work", folders.Work, "--failed", folders.Failed,
            "--port", "0", "--set", "Worker:StableSeconds=0.5", "--set", "Worker:RetryDelaySeconds=0.2", "--set", "Worker:RescanSeconds=1",
            "--set", "Telemetry:Console=false", .. extra];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (model is not null) { start.ArgumentList.Add("--model"); start.ArgumentList.Add(model); }
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static async Task<WorkerProcess> StartAsync(WorkerFolders folders, string? model, params string[] extra)
    {
        var worker = new WorkerProcess(folders, model, extra);
        var started = await Task.WhenAny(worker._listening.Task, worker._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != worker._listening.Task)
        {
            worker.Dispose();
            throw new InvalidOperationException("cremi worker did not start:\n" + worker.Output);
        }
        return worker;
    }

    public Uri Address => _listening.Task.Result;
    public int Id => _process.Id;
    public string Output => string.Join('\n', _lines);

    /// <summary>Peak resident memory so far (VmHWM), in MiB.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    public async Task<JsonElement> JobsAsync()
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/jobs"));
        return json.RootElement.Clone();
    }

    public async Task<int> SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Receive(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        if (Listening().Match(line) is { Success: true } m) _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();
}

/// <summary>The worker's four folders under one temporary folder, and waits on what appears in them.</summary>
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
