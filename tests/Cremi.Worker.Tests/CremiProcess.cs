using System.Diagnostics;

namespace Cremi.Worker.Tests;

/// <summary>`cremi` run to completion as its own process (the cremi.dll built beside the tests), through the real
/// Main: unlike <see cref="CliRun"/>, it sees what Main decides before any command runs.</summary>
internal sealed record CremiProcess(int ExitCode, string Output, string Errors)
{
    public static Task<CremiProcess> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>With extra environment variables for the child.</summary>
    public static async Task<CremiProcess> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = CremiChild.StartInfo(args);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CremiProcess(process.ExitCode, await output, await errors);
    }
}
