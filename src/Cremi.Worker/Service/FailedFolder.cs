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
        var folder = Folder(report.JobId);
        Directory.CreateDirectory(folder);
        // error.json first: if the move then fails the file is still where it was and nothing is lost.
        JsonFiles.Write(Path.Combine(folder, ErrorFile), report);
        if (File.Exists(filePath)) File.Move(filePath, Path.Combine(folder, Path.GetFileName(filePath)));
    }
}
