using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// outbox/&lt;id&gt;/ appears complete or not at all: a run writes into its own outbox/.staging-&lt;id&gt;~&lt;run&gt;/
/// (hidden, same file system) and the folder is renamed when every file is in it. The run part keeps two runs of one
/// job apart on a shared outbox (a node written off as dead that still runs the job, and the node that took it over):
/// neither deletes nor writes into the other's folder, and the first rename wins. A staging folder left by a crash is
/// discarded at start-up and the job redone.
/// </summary>
public sealed class Outbox(IOptions<WorkerOptions> options)
{
    private const string StagingPrefix = ".staging-";
    private const char RunSeparator = '~'; // job ids never hold it (JobStore.NewId)
    private readonly string _root = Path.GetFullPath(options.Value.Outbox);

    public string Folder(string id) => Path.Combine(_root, id);

    public bool IsPublished(string id) => Directory.Exists(Folder(id));

    /// <summary>A new, empty staging folder for one run of job <paramref name="id"/>.</summary>
    public string Staging(string id)
    {
        var run = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var staging = Path.Combine(_root, $"{StagingPrefix}{id}{RunSeparator}{run}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Renames the staging folder to its final name; returns the published file names. Outputs are never
    /// made twice: if the folder is there already (a node that was written off as dead while it still ran the job, on a
    /// shared outbox), that first one stays and this run's staging is dropped.</summary>
    public IReadOnlyList<string> Publish(string id, string staging)
    {
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

    /// <summary>The job id in a staging folder's name (older versions wrote .staging-&lt;id&gt; without a run).</summary>
    private static string JobOf(string stagingFolder)
    {
        var name = Path.GetFileName(stagingFolder)[StagingPrefix.Length..];
        var separator = name.LastIndexOf(RunSeparator);
        return separator < 0 ? name : name[..separator];
    }

    /// <summary>Removes staging folders of runs that a crash or a stop interrupted (they are redone). On a shared
    /// outbox another node may be writing one right now, so only those of jobs that <paramref name="isDead"/> says no
    /// run can own are removed; every run stages in a new folder of its own (<see cref="Staging"/>).</summary>
    public void DiscardStaging(Func<string, bool>? isDead = null)
    {
        Directory.CreateDirectory(_root);
        foreach (var folder in Directory.EnumerateDirectories(_root, StagingPrefix + "*"))
            if (isDead?.Invoke(JobOf(folder)) ?? true)
                Directory.Delete(folder, recursive: true);
    }
}
