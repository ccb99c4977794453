using System.Diagnostics;

namespace Cremi.Worker.Tests.Worker;

/// <summary>deploy/cremi-worker.service is a valid unit: `systemd-analyze verify` accepts it.</summary>
public sealed class ServiceUnitTests
{
    private const string Analyzer = "/usr/bin/systemd-analyze";

    [SkippableUnitFact]
    public void The_service_file_passes_systemd_analyze_verify()
    {
        var unit = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "cremi-worker.service"));
        Assert.Contains("Type=notify", unit);
        Assert.Contains("ExecStart=/opt/cremi/cremi worker", unit);
        // verify checks that ExecStart's program exists: point it at the cremi built beside the tests.
        using var folder = new TempFolder();
        var path = folder.File("cremi-worker.service");
        File.WriteAllText(path, unit.Replace("/opt/cremi/cremi", Path.Combine(AppContext.BaseDirectory, "cremi")));
        var start = new ProcessStartInfo(Analyzer, ["verify", path]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var messages = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && messages.Trim().Length == 0, $"systemd-analyze verify: exit {process.ExitCode}\n{messages}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cremi.Worker.sln"))) return dir.FullName;
        // Built with --artifacts-path outside the repository: the source file's folder still knows.
        return Path.GetFullPath(Path.Combine(SourceFolder(), "..", "..", ".."));
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>Skipped, with the reason, where systemd's tools are not installed (apt-get install systemd).</summary>
public sealed class SkippableUnitFactAttribute : FactAttribute
{
    public SkippableUnitFactAttribute()
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
            Skip = "systemd-analyze is not installed (Debian: apt-get install -y systemd); the unit file was not verified";
    }
}
