using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// Job state on disk: work/&lt;id&gt;/job.json plus the claimed file beside it. Every change is written atomically
/// before it is acted on, so after a crash the folder says exactly which jobs were claimed and not yet finished.
/// </summary>
public sealed partial class JobStore(IOptions<WorkerOptions> options)
{
    public const string StateFile = "job.json";
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new();
    private readonly string _work = Path.GetFullPath(options.Value.Work);

    public string Folder(string id) => Path.Combine(_work, id);

    /// <summary>The claimed inbox file in its job folder.</summary>
    public string ClaimedFile(JobRecord job) => Path.Combine(Folder(job.Id), job.Source);

    public int Pending => _jobs.Values.Count(j => j.State is JobState.Claimed or JobState.Running);

    public IReadOnlyList<JobRecord> All() => _jobs.Values.OrderBy(j => j.ClaimedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();

    public JobRecord? Find(string id) => _jobs.TryGetValue(id, out var job) ? job : null;

    /// <summary>Unique even for the same name dropped twice in one second: time, name, random suffix.</summary>
    public static string NewId(string sourceName, DateTimeOffset now)
    {
        var stem = Unsafe().Replace(sourceName.Replace(".job.json", "").Replace(".hdf", "").Replace(".h5", ""), "_");
        return $"{now:yyyyMMdd-HHmmss}-{stem[..Math.Min(stem.Length, 40)]}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }

    /// <summary>
    /// Claims an inbox file: the job folder and its job.json first, then the file moved in by one rename. A crash
    /// before the rename leaves a folder without the file, which <see cref="Load"/> removes (the file is still in
    /// the inbox and is claimed again); after it, the job exists.
    /// </summary>
    public JobRecord Claim(JobRecord job, string inboxPath)
    {
        var folder = Folder(job.Id);
        Directory.CreateDirectory(folder);
        JsonFiles.Write(Path.Combine(folder, StateFile), job);
        try
        {
            File.Move(inboxPath, ClaimedFile(job));
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
        _jobs[job.Id] = job;
        return job;
    }

    public JobRecord Update(JobRecord job)
    {
        JsonFiles.Write(Path.Combine(Folder(job.Id), StateFile), job);
        _jobs[job.Id] = job;
        return job;
    }

    /// <summary>Reads every job folder at start-up; returns the jobs left unfinished by the last run.</summary>
    public IReadOnlyList<JobRecord> Load()
    {
        Directory.CreateDirectory(_work);
        foreach (var folder in Directory.EnumerateDirectories(_work))
        {
            var state = Path.Combine(folder, StateFile);
            if (!File.Exists(state)) continue; // not ours
            var job = JsonFiles.Read<JobRecord>(state);
            if (job.State is JobState.Claimed or JobState.Running && !File.Exists(ClaimedFile(job)))
            {
                Directory.Delete(folder, recursive: true); // a claim interrupted before its rename
                continue;
            }
            _jobs[job.Id] = job;
        }
        return _jobs.Values.Where(j => j.State is JobState.Claimed or JobState.Running).OrderBy(j => j.ClaimedAt).ToList();
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Unsafe();
}
