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

    /// <summary>Renames the staging folder to its final name; returns the published file names.</summary>
    public IReadOnlyList<string> Publish(string id)
    {
        var staging = Path.Combine(_root, StagingPrefix + id);
        Directory.Move(staging, Folder(id));
        return List(id);
    }

    public IReadOnlyList<string> List(string id) =>
        Directory.EnumerateFiles(Folder(id)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>Removes staging folders of runs that a crash or a stop interrupted (they are redone).</summary>
    public void DiscardStaging()
    {
        Directory.CreateDirectory(_root);
        foreach (var folder in Directory.EnumerateDirectories(_root, StagingPrefix + "*"))
            Directory.Delete(folder, recursive: true);
    }
}
