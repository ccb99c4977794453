using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// Watches the inbox: a FileSystemWatcher for speed plus a periodic listing, because watchers miss events
/// (buffer overflows, network file systems, files present before start). Each candidate is claimed once at a time
/// by its own task; a claimed file leaves the inbox, so a later listing never sees it again.
/// Names starting with '.' are ignored: upload as .name and rename when complete.
/// </summary>
public sealed partial class InboxWatcher(IOptions<WorkerOptions> options, FileClaimer claimer, JobQueue queue,
    WorkerReadiness readiness, ILogger<InboxWatcher> log) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Task> _claiming = new();

    public static bool IsCandidate(string name) =>
        !name.StartsWith('.') &&
        (name.EndsWith(".hdf", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".h5", StringComparison.OrdinalIgnoreCase)
         || name.EndsWith(".job.json", StringComparison.OrdinalIgnoreCase));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbox = Path.GetFullPath(_options.Inbox);
        Directory.CreateDirectory(inbox);
        using var watcher = new FileSystemWatcher(inbox) { IncludeSubdirectories = false, InternalBufferSize = 64 * 1024 };
        watcher.Created += (_, e) => Offer(e.FullPath, stoppingToken);
        watcher.Changed += (_, e) => Offer(e.FullPath, stoppingToken);
        watcher.Renamed += (_, e) => Offer(e.FullPath, stoppingToken);
        watcher.Error += (_, e) => LogWatcherError(log, e.GetException().Message);
        watcher.EnableRaisingEvents = true;
        readiness.Watching = true;
        LogWatching(log, inbox);
        var period = TimeSpan.FromSeconds(_options.RescanSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var path in Directory.EnumerateFiles(inbox)) Offer(path, stoppingToken);
                await Task.Delay(period, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            readiness.Watching = false;
            // A claim interrupted here is safe: the file stays in the inbox until its rename.
            await Task.WhenAll(_claiming.Values).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void Offer(string path, CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested || !IsCandidate(Path.GetFileName(path))) return;
        var started = new TaskCompletionSource();
        var task = started.Task.ContinueWith(_ => ClaimAsync(path, stoppingToken), TaskScheduler.Default).Unwrap();
        if (!_claiming.TryAdd(path, task)) return; // already being claimed
        started.SetResult();
    }

    private async Task ClaimAsync(string path, CancellationToken stoppingToken)
    {
        try
        {
            if (await claimer.ClaimAsync(path, stoppingToken) is { } job) await queue.EnqueueAsync(job, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Unexpected (a bug, a full disk): the file stays in the inbox and the next listing tries again.
            LogClaimError(log, e, path);
        }
        finally
        {
            _claiming.TryRemove(path, out _);
        }
    }

    [LoggerMessage(LogLevel.Information, "watching {Inbox}")]
    private static partial void LogWatching(ILogger logger, string inbox);

    [LoggerMessage(LogLevel.Warning, "inbox watcher: {Reason}; the periodic listing still finds new files")]
    private static partial void LogWatcherError(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Error, "{File}: claim failed unexpectedly; it stays in the inbox and is tried again")]
    private static partial void LogClaimError(ILogger logger, Exception error, string file);
}
