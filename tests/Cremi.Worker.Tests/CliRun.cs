using Cremi.Worker.Cli;
using Spectre.Console.Testing;

namespace Cremi.Worker.Tests;

/// <summary>Runs `cremi` in-process with a recording console, as a user would run it from a shell.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Errors)
{
    public static CliRun Of(params string[] args)
    {
        var output = new TestConsole().Width(200);
        var errors = new TestConsole().Width(400);
        var code = CremiApp.Run(args, output, errors);
        return new CliRun(code, output.Output, errors.Output);
    }
}

/// <summary>A fresh folder per test, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cremi-cli-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Names() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
