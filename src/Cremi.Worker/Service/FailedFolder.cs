using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>What error.json says about a file that went to failed/.</summary>
public sealed record FailureReport(string JobId, string File, string What, string Why, int Attempts, string? TraceId, DateTimeOffset At);

/// <summary>
/// The poison queue: failed/&lt;id&gt;/ holds the user's file, untouched, and error.json saying what went wrong.
/// Each failure has its own folder, so two files of the same name never overwrite each other.
/// </summary>
public sealed class FailedFolder(IOptions<WorkerOptions> options, IOptions<SchedulerOptions>? scheduler = null)
{
    public const string ErrorFile = "error.json";
    private const string StagingPrefix = ".staging-";

    /// <summary>A store takes milliseconds; on a shared failed/ a younger staging folder may be another node's, in progress.</summary>
    public static readonly TimeSpan DeadStagingAge = TimeSpan.FromMinutes(2);

    private readonly bool _shared = scheduler?.Value.Shared ?? false;
    private readonly string _root = Path.GetFullPath(options.Value.Failed);

    public string Folder(string id) => Path.Combine(_root, id);

    /// <summary>
    /// Moves the file and its report in. With <paramref name="fileRequired"/> (an inbox file that could not be
    /// claimed) the move of the file is itself a claim: when several workers share the inbox, each may give up on the
    /// same bad file, and only the one whose rename succeeds files a report; the others get false and leave nothing.
    /// </summary>
    public bool Store(string filePath, FailureReport report, bool fileRequired = false)
    {
        // Assembled under a hidden staging name and renamed: failed/<id>/ appears whole, file and error.json together,
        // so nobody watching failed/ sees the report without the file (or half of either).
        var folder = Folder(report.JobId);
        var staging = Path.Combine(_root, StagingPrefix + report.JobId);
        Directory.CreateDirectory(staging);
        // error.json first: if the move then fails the file is still where it was and nothing is lost.
        JsonFiles.Write(Path.Combine(staging, ErrorFile), report);
        try
        {
            if (fileRequired || File.Exists(filePath)) File.Move(filePath, Path.Combine(staging, Path.GetFileName(filePath)));
        }
        catch (FileNotFoundException) when (fileRequired)
        {
            Directory.Delete(staging, recursive: true);
            return false;
        }
        Directory.Move(staging, folder);
        return true;
    }

    /// <summary>
    /// At start-up: a failure interrupted by a crash after its staging folder was made is completed (renamed), so a
    /// user's file never stays hidden in failed/. Returns the job ids completed.
    /// </summary>
    public IReadOnlyList<string> CompleteInterrupted()
    {
        if (!Directory.Exists(_root)) return [];
        var completed = new List<string>();
        foreach (var staging in Directory.GetDirectories(_root, StagingPrefix + "*"))
        {
            if (_shared && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(staging) < DeadStagingAge) continue;
            var id = Path.GetFileName(staging)[StagingPrefix.Length..];
            var folder = Folder(id);
            if (Directory.Exists(folder)) continue; // never overwrite: the staging folder stays for a person to look at
            Directory.Move(staging, folder);
            completed.Add(id);
        }
        return completed;
    }
}
