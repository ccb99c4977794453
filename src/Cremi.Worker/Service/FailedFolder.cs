using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>What error.json says about a file that went to failed/.</summary>
public sealed record FailureReport(string JobId, string File, string What, string Why, int Attempts, string? TraceId, DateTimeOffset At);

/// <summary>
/// The poison queue: failed/&lt;id&gt;/ holds the user's file, untouched, and error.json saying what went wrong.
/// Each failure has its own folder, so two files of the same name never overwrite each other.
/// </summary>
public sealed class FailedFolder(IOptions<WorkerOptions> options)
{
    public const string ErrorFile = "error.json";
    private readonly string _root = Path.GetFullPath(options.Value.Failed);

    public string Folder(string id) => Path.Combine(_root, id);

    public void Store(string filePath, FailureReport report)
    {
        // Assembled under a hidden staging name and renamed: failed/<id>/ appears whole, file and error.json together,
        // so nobody watching failed/ sees the report without the file (or half of either).
        var folder = Folder(report.JobId);
        var staging = Path.Combine(_root, ".staging-" + report.JobId);
        Directory.CreateDirectory(staging);
        // error.json first: if the move then fails the file is still where it was and nothing is lost.
        JsonFiles.Write(Path.Combine(staging, ErrorFile), report);
        if (File.Exists(filePath)) File.Move(filePath, Path.Combine(staging, Path.GetFileName(filePath)));
        Directory.Move(staging, folder);
    }

    /// <summary>
    /// At start-up: a failure interrupted by a crash after its staging folder was made is completed (renamed), so a
    /// user's file never stays hidden in failed/. Returns the job ids completed.
    /// </summary>
    public IReadOnlyList<string> CompleteInterrupted()
    {
        if (!Directory.Exists(_root)) return [];
        var completed = new List<string>();
        foreach (var staging in Directory.GetDirectories(_root, ".staging-*"))
        {
            var id = Path.GetFileName(staging)[".staging-".Length..];
            var folder = Folder(id);
            if (Directory.Exists(folder)) continue; // never overwrite: the staging folder stays for a person to look at
            Directory.Move(staging, folder);
            completed.Add(id);
        }
        return completed;
    }
}
