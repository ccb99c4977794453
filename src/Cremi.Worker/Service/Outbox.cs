using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// outbox/&lt;id&gt;/ appears complete or not at all: a job writes into outbox/.staging-&lt;id&gt;/ (hidden, same file
/// system) and the folder is renamed when every file is in it. A staging folder left by a crash is discarded and
/// the job redone.
/// </summary>
public sealed class Outbox(IOptions<WorkerOptions> options)
{
    private const string StagingPrefix = ".staging-";
    private readonly string _root = Path.GetFullPath(options.Value.Outbox);

    public string Folder(string id) => Path.Combine(_root, id);

    public bool IsPublished(string id) => Directory.Exists(Folder(id));

    public string Staging(string id)
    {
        var staging = Path.Combine(_root, StagingPrefix + id);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Renames the staging folder to its final name; returns the published file names. Outputs are never
    /// made twice: if the folder is there already (a node that was written off as dead while it still ran the job, on a
    /// shared outbox), that first one stays and this run's staging is dropped.</summary>
    public IReadOnlyList<string> Publish(string id)
    {
        var staging = Path.Combine(_root, StagingPrefix + id);
        try
        {
            Directory.Move(staging, Folder(id));
        }
        catch (IOException) when (IsPublished(id))
        {
            Directory.Delete(staging, recursive: true);
        }
        return List(id);
    }

    public IReadOnlyList<string> List(string id) =>
        Directory.EnumerateFiles(Folder(id)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>Removes staging folders of runs that a crash or a stop interrupted (they are redone). On a shared
    /// outbox another node may be writing one right now, so only those of jobs that <paramref name="isDead"/> says no
    /// run can own are removed; a job's next run clears its own in <see cref="Staging"/>.</summary>
    public void DiscardStaging(Func<string, bool>? isDead = null)
    {
        Directory.CreateDirectory(_root);
        foreach (var folder in Directory.EnumerateDirectories(_root, StagingPrefix + "*"))
            if (isDead?.Invoke(Path.GetFileName(folder)[StagingPrefix.Length..]) ?? true)
                Directory.Delete(folder, recursive: true);
    }
}
