using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Cremi.Worker.Tests;

/// <summary>
/// `cremi display` as a user runs it: a separate process (the cremi.dll built beside the tests) on a free port with
/// --log-requests, whose output is collected line by line. Stopped with SIGTERM, as a service manager would.
/// </summary>
internal sealed partial class DisplayProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _viewer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DisplayProcess(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cremi.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static Task<DisplayProcess> StartAsync(params string[] args) => StartCommandAsync(["display", .. args, "--port", "0", "--log-requests"]);

    /// <summary>Any verb that ends by serving (e.g. `generate ... --display --port 0`), with its full arguments.</summary>
    public static async Task<DisplayProcess> StartCommandAsync(params string[] args)
    {
        var process = new DisplayProcess(args);
        var started = await Task.WhenAny(process._viewer.Task, process._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != process._viewer.Task)
        {
            process.Dispose();
            throw new InvalidOperationException("cremi display did not print its viewer URL:\n" + process.Output);
        }
        return process;
    }

    /// <summary>The URL the command printed for the user.</summary>
    public Uri ViewerUrl => _viewer.Task.Result;

    public string Output => string.Join('\n', _lines);

    /// <summary>The (path, status) of every request served so far, from the --log-requests lines.</summary>
    public IReadOnlyList<(string Path, int Status)> Requests =>
        _lines.Select(l => RequestLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value))).ToList();

    /// <summary>SIGTERM, then the exit code (the command stops gracefully and returns 0).</summary>
    public async Task<int> StopAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
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
        if (line.StartsWith("viewer: ", StringComparison.Ordinal)) _viewer.TrySetResult(new Uri(line["viewer: ".Length..].Trim()));
    }

    [GeneratedRegex(@"^GET (\S+) (\d{3})$")]
    private static partial Regex RequestLine();
}
