using System.Text.RegularExpressions;

namespace Cremi.Worker.Tests;

/// <summary>
/// `cremi display` as a user runs it: a separate process (the cremi.dll built beside the tests) on a free port with
/// --log-requests, whose output is collected line by line. Stopped with SIGTERM, as a service manager would.
/// </summary>
internal sealed partial class DisplayProcess : IDisposable
{
    private readonly CremiChild _child;

    private DisplayProcess(string[] args) =>
        _child = new CremiChild(args, line => line.StartsWith("viewer: ", StringComparison.Ordinal) ? new Uri(line["viewer: ".Length..].Trim()) : null);

    public static Task<DisplayProcess> StartAsync(params string[] args) => StartCommandAsync(["display", .. args, "--port", "0", "--log-requests"]);

    /// <summary>Any verb that ends by serving (e.g. `generate ... --display --port 0`), with its full arguments.</summary>
    public static async Task<DisplayProcess> StartCommandAsync(params string[] args)
    {
        var process = new DisplayProcess(args);
        await process._child.WaitForAddressAsync("cremi display did not print its viewer URL", TimeSpan.FromSeconds(60));
        return process;
    }

    /// <summary>The URL the command printed for the user.</summary>
    public Uri ViewerUrl => _child.Address;

    public string Output => _child.Output;

    /// <summary>The (path, status) of every request served so far, from the --log-requests lines.</summary>
    public IReadOnlyList<(string Path, int Status)> Requests =>
        _child.Lines.Select(l => RequestLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value))).ToList();

    /// <summary>SIGTERM, then the exit code (the command stops gracefully and returns 0).</summary>
    public Task<int> StopAsync() => _child.SignalAsync("TERM", TimeSpan.FromSeconds(20));

    public void Dispose() => _child.Dispose();

    [GeneratedRegex(@"^GET (\S+) (\d{3})$")]
    private static partial Regex RequestLine();
}
