using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// On shared folders (the clustered store), a node that dies after claiming a file but before queuing its job leaves
/// a job that has no Quartz trigger: Quartz's recovery cannot see it, and before this sweep only a node's start-up
/// found it. Every <see cref="SchedulerOptions.OrphanCheckSeconds"/> each node queues unfinished jobs that nothing
/// holds (no trigger for the job, its blocks or its assembly), marks done those whose outbox folder exists, and
/// removes the outbox staging folders of finished jobs (a killed run's, left when another node took the job over).
/// Queuing is idempotent and a run re-reads job.json first, so two nodes sweeping at once, or a sweep racing a
/// claim or a finishing run, still run each job once.
/// </summary>
public sealed partial class OrphanSweeper(JobStore store, Outbox outbox, JobQueue queue, BlockwiseJobs blockwise,
    IOptions<SchedulerOptions> scheduler, ILogger<OrphanSweeper> log, TimeProvider clock) : BackgroundService
{
    /// <summary>Marks <paramref name="job"/> done when its outbox folder exists (published just before its run
    /// died, job.json not yet updated): outputs are never made twice. True when it is done (marked now or already).</summary>
    /// <remarks><paramref name="job"/> may be a stale copy: a sweep reads every job.json first and gets to this one
    /// seconds later, by when another node may have run it. job.json is therefore read again after the outbox folder
    /// is seen: a run writes Running (its node, start, run count) before it publishes, so that read has them, and a
    /// job its run has marked done already is left as it is (writing the stale copy erased the run from the record).</remarks>
    public bool MarkDoneIfPublished(JobRecord job)
    {
        if (!outbox.IsPublished(job.Id)) return false;
        var current = store.Find(job.Id) ?? job;
        if (current.State is JobState.Claimed or JobState.Running)
            store.Update(current with { State = JobState.Succeeded, FinishedAt = clock.GetUtcNow(), Outputs = outbox.List(job.Id) });
        return true;
    }

    /// <summary>Removes the outbox staging folders of jobs that no run can own any more (finished, or gone).</summary>
    public void DiscardFinishedStaging() =>
        outbox.DiscardStaging(id => store.Find(id) is not { State: JobState.Claimed or JobState.Running });

    /// <summary>Queues <paramref name="job"/> when it is unfinished and nobody holds it; true when it was queued.</summary>
    public async Task<bool> QueueIfOrphanAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.State is not (JobState.Claimed or JobState.Running) || MarkDoneIfPublished(job)) return false;
        if (!File.Exists(store.ClaimedFile(job))) return false; // a claim still in progress on another node
        if (await queue.IsQueuedAsync(job.Id, cancellationToken) || await blockwise.IsQueuedAsync(job.Id, cancellationToken)) return false;
        LogOrphanQueued(log, job.Id, job.Source);
        await queue.EnqueueAsync(job, cancellationToken);
        return true;
    }

    /// <summary>One sweep over every job in the shared work folder; returns how many were queued.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        DiscardFinishedStaging();
        var queued = 0;
        foreach (var job in store.All())
            if (await QueueIfOrphanAsync(job, cancellationToken)) queued++;
        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = scheduler.Value.OrphanCheckSeconds;
        if (!scheduler.Value.Shared || period <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(period), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(log, e); // a shared folder or the database briefly away: try again next time
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Warning, "job {JobId} ({File}) was claimed but never queued (its worker died in between): queued now")]
    private static partial void LogOrphanQueued(ILogger logger, string jobId, string file);

    [LoggerMessage(LogLevel.Warning, "the sweep for claimed jobs that nobody queued failed; it runs again later")]
    private static partial void LogSweepFailed(ILogger logger, Exception error);
}
