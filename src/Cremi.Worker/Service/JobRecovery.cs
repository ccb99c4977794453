using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cremi.Worker.Service;

/// <summary>
/// Start-up after a stop or a crash: creates the folders, drops half-written outbox staging folders, completes
/// interrupted moves to failed/ (the user's file is in them), and queues
/// again every claimed job that has no published outbox folder. A job whose folder was published just before the
/// crash is only marked done: outputs are never made twice.
/// With several workers on shared folders (Scheduler:Store=postgres) a starting node must not touch what a live node
/// is doing: Quartz's cluster recovery is the one that re-runs a dead node's jobs (their triggers are in the
/// database), so this only queues claimed jobs that have no trigger at all (a node died between claiming a file and
/// queuing it), leaves job.json alone, and removes only staging folders that no run can own.
/// </summary>
public sealed partial class JobRecovery(JobStore store, Outbox outbox, FailedFolder failed, JobQueue queue, OrphanSweeper orphans,
    WorkerReadiness readiness,
    Microsoft.Extensions.Options.IOptions<WorkerOptions> options, Microsoft.Extensions.Options.IOptions<SchedulerOptions> scheduler,
    ILogger<JobRecovery> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var shared = scheduler.Value.Shared;
        foreach (var folder in new[] { o.Inbox, o.Outbox, o.Work, o.Failed }) Directory.CreateDirectory(folder);
        if (shared) orphans.DiscardFinishedStaging();
        else outbox.DiscardStaging();
        foreach (var id in failed.CompleteInterrupted()) LogFailureCompleted(log, id);
        foreach (var job in store.Load())
        {
            if (orphans.MarkDoneIfPublished(job)) continue;
            if (!shared)
            {
                LogResumed(log, job.Id, job.Source, job.Runs);
                await queue.EnqueueAsync(store.Update(job with { State = JobState.Claimed }), cancellationToken);
            }
            // A block-wise job's own trigger is gone once its blocks are queued: they (or its assembly) hold it then.
            else await orphans.QueueIfOrphanAsync(job, cancellationToken);
        }
        readiness.Recovered = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "job {JobId}: its move to failed/ was interrupted by the last stop; completed now")]
    private static partial void LogFailureCompleted(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Information, "job {JobId} ({File}) was claimed before the last stop ({Runs} run(s) so far): queued again")]
    private static partial void LogResumed(ILogger logger, string jobId, string file, int runs);
}

/// <summary>What /readyz reports: ready once claimed jobs are re-queued and the inbox is watched.</summary>
public sealed class WorkerReadiness
{
    public volatile bool Recovered;
    public volatile bool Watching;
    public bool Ready => Recovered && Watching;
}
