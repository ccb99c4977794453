using System.Diagnostics;

namespace Cremi.Worker.Tests;

/// <summary>`cremi` run to completion as its own process (the cremi.dll built beside the tests), through the real
/// Main: unlike <see cref="CliRun"/>, it sees what Main decides before any command runs.</summary>
internal sealed record CremiProcess(int ExitCode, string Output, string Errors)
{
    public static async Task<CremiProcess> RunAsync(params string[] args)
    {
        using var process = Process.Start(CremiChild.StartInfo(args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CremiProcess(process.ExitCode, await output, await errors);
    }
}
