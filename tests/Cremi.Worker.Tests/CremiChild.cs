using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cremi.Worker.Tests;

/// <summary>
/// `cremi` as its own process (the cremi.dll built beside the tests), started through its real Main, its output
/// collected line by line; for verbs that serve (display, worker) until a signal stops them. The line that announces
/// the served address is recognised by the caller's function.
/// </summary>
internal sealed class CremiChild : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, Uri?> _addressIn;

    public CremiChild(IEnumerable<string> args, Func<string, Uri?> addressIn)
    {
        _addressIn = addressIn;
        _process = new Process { StartInfo = StartInfo(args) };
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>`dotnet cremi.dll ARGS` with standard output and error redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cremi.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    public Uri Address => _address.Task.Result;
    public int Id => _process.Id;
    public IEnumerable<string> Lines => _lines;
    public string Output => string.Join('\n', _lines);

    /// <summary>Waits for the address line; if the process exits or the time runs out first, stops it and throws
    /// with everything it printed.</summary>
    public async Task WaitForAddressAsync(string what, TimeSpan timeout)
    {
        var first = await Task.WhenAny(_address.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (first == _address.Task) return;
        Dispose();
        throw new InvalidOperationException($"{what}:\n{Output}");
    }

    /// <summary>Sends a signal (TERM, KILL…) with kill(1), then the exit code.</summary>
    public async Task<int> SignalAsync(string signal, TimeSpan timeout)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
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
        if (_addressIn(line) is { } address) _address.TrySetResult(address);
    }
}
