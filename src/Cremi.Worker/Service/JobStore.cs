using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// Job state on disk: work/&lt;id&gt;/job.json plus the claimed file beside it. Every change is written atomically
/// before it is acted on, so after a crash the folder says exactly which jobs were claimed and not yet finished.
/// When several workers share work/ (Scheduler:Store=postgres) job.json is the only truth: a job claimed by one node
/// may be run by another, so reads go to the file, never to what this process remembers.
/// </summary>
public sealed partial class JobStore(IOptions<WorkerOptions> options, IOptions<SchedulerOptions>? scheduler = null)
{
    public const string StateFile = "job.json";

    /// <summary>A claim writes job.json and renames the file in within milliseconds; a folder whose job.json is this
    /// old and still has no file was left by a claim that died (on a shared work/, a younger one may be in progress).</summary>
    public static readonly TimeSpan DeadClaimAge = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new();
    private readonly string _work = Path.GetFullPath(options.Value.Work);
    private readonly bool _shared = scheduler?.Value.Shared ?? false;

    public string Folder(string id) => Path.Combine(_work, id);

    /// <summary>The claimed inbox file in its job folder.</summary>
    public string ClaimedFile(JobRecord job) => Path.Combine(Folder(job.Id), job.Source);

    public int Pending => Known().Count(j => j.State is JobState.Claimed or JobState.Running);

    /// <summary>Every job: this worker's, or on a shared work/ every node's.</summary>
    public IReadOnlyList<JobRecord> All() => Known().OrderBy(j => j.ClaimedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();

    public JobRecord? Find(string id)
    {
        if (!_shared) return _jobs.TryGetValue(id, out var job) ? job : null;
        return ReadState(Folder(id));
    }

    private IEnumerable<JobRecord> Known() =>
        !_shared ? _jobs.Values : Directory.Exists(_work) ? Directory.EnumerateDirectories(_work).Select(ReadState).OfType<JobRecord>() : [];

    /// <summary>job.json of a folder, or null when there is none (not a job, or a claim that lost its race and is
    /// being removed). Written by rename, so it is never seen half-written.</summary>
    private static JobRecord? ReadState(string folder)
    {
        try
        {
            return JsonFiles.Read<JobRecord>(Path.Combine(folder, StateFile));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Unique even for the same name dropped twice in one second: time, name, random suffix.</summary>
    public static string NewId(string sourceName, DateTimeOffset now)
    {
        var stem = Unsafe().Replace(sourceName.Replace(".job.json", "").Replace(".hdf", "").Replace(".h5", ""), "_");
        return $"{now:yyyyMMdd-HHmmss}-{stem[..Math.Min(stem.Length, 40)]}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }

    /// <summary>
    /// Claims an inbox file: the job folder and its job.json first, then the file moved in by one rename. A crash
    /// before the rename leaves a folder without the file, which <see cref="Load"/> removes (the file is still in
    /// the inbox and is claimed again); after it, the job exists. The rename is the claim: when several workers
    /// race for one file, rename(2) lets exactly one of them move it, and the others get null (and tidy up).
    /// </summary>
    public JobRecord? Claim(JobRecord job, string inboxPath)
    {
        var folder = Folder(job.Id);
        // Ids carry a random part; two nodes drawing the same one for the same name in the same second would share a
        // folder, so that (however unlikely) is refused and the claim retried with a new id.
        if (Directory.Exists(folder)) throw new IOException($"job folder {folder} exists already");
        Directory.CreateDirectory(folder);
        JsonFiles.Write(Path.Combine(folder, StateFile), job);
        try
        {
            // overwrite: true is a plain rename(2), atomic on one file system (local or NFS); the target is in a
            // folder only this claim uses, so nothing is ever overwritten.
            File.Move(inboxPath, ClaimedFile(job), overwrite: true);
        }
        catch (Exception e)
        {
            Directory.Delete(folder, recursive: true);
            if (e is FileNotFoundException or DirectoryNotFoundException) return null; // another node renamed it first
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
                // A claim interrupted before its rename. On a shared work/ it may be another node's claim in progress.
                if (!_shared || DateTime.UtcNow - File.GetLastWriteTimeUtc(state) > DeadClaimAge) Directory.Delete(folder, recursive: true);
                continue;
            }
            _jobs[job.Id] = job;
        }
        return _jobs.Values.Where(j => j.State is JobState.Claimed or JobState.Running).OrderBy(j => j.ClaimedAt).ToList();
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Unsafe();
}
