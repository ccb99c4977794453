using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Cremi.Worker.Service;

/// <summary>
/// The Quartz job: runs one claimed job into outbox staging, publishes it by rename, and records the outcome.
/// At most Worker:GpuJobs run the network at once. On stop (SIGTERM) the work is cancelled: training checkpoints,
/// generation stops between blocks, and the job stays claimed so the next start runs it again; a failure moves the
/// claimed file to failed/ with error.json.
/// With the clustered store (several workers) the stopped job is handed back to Quartz instead, which lets another
/// node run it; a job left Running by a node that died is run again when Quartz fires its recovery trigger.
/// A generate or test job on a volume above Worker:BlockVoxels is split instead (<see cref="BlockwiseJobs"/>): this run
/// queues its blocks and ends with the job still Running; the last block queues this class again with step
/// "assemble", which makes the mask from the blocks and publishes it like any other job.
/// </summary>
[DisallowConcurrentExecution] // per job id, across the cluster: one run of a job at a time
public sealed partial class JobRunner(JobStore store, Outbox outbox, JobFailures failures, JobWork work, BlockwiseJobs blockwise, GpuGate gpu,
    WorkerTelemetry telemetry, IHostApplicationLifetime lifetime, ILogger<JobRunner> log, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<SchedulerOptions> scheduler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(JobQueue.IdKey) ?? throw new InvalidOperationException("Quartz job without a job id");
        var assemble = context.MergedJobDataMap.GetString(JobQueue.StepKey) == JobQueue.AssembleStep;
        // Shared: Quartz's own token, cancelled by its shutdown, so that the OperationCanceledException below reaches
        // Quartz as a firing cut short by shutdown (handed back for recovery), not as an ordinary end.
        var shared = scheduler.Value.Shared;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shared ? CancellationToken.None : lifetime.ApplicationStopping);
        var token = stop.Token;
        // Running: a run that died (Quartz fires a job only when no live node holds it). Finished: exactly once.
        if (store.Find(id) is not { State: JobState.Claimed or JobState.Running } job) return;
        job = job with { Node = context.Scheduler.SchedulerInstanceId };

        try
        {
            await gpu.Semaphore.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            if (shared) throw; // handed back to the cluster
            return; // stopping before it started: it stays claimed
        }
        try
        {
            await RunAsync(job, assemble, token);
            if (shared) token.ThrowIfCancellationRequested(); // stopped: handed back to the cluster
        }
        finally
        {
            gpu.ReleaseAndTrim();
        }
    }

    private async Task RunAsync(JobRecord job, bool assemble, CancellationToken token)
    {
        job = store.Update(job with { State = JobState.Running, Runs = job.Runs + 1, StartedAt = clock.GetUtcNow(), Error = null });
        using var activity = WorkerTelemetry.StartJob(job);
        var kind = new KeyValuePair<string, object?>("kind", job.Kind.ToString().ToLowerInvariant());
        telemetry.Started.Add(1, kind);
        LogStarted(log, job.Id, job.Kind, job.Runs);
        var clockStart = Stopwatch.StartNew();
        try
        {
            // A large volume: its blocks are queued (or, all done, the assembly), and the job stays Running meanwhile.
            if (!assemble && await blockwise.SplitAsync(job, token) is { } blocks)
            {
                LogSplit(log, job.Id, blocks.Blocks.Count, blocks.Volume.ToString());
                return;
            }
            var staging = outbox.Staging(job.Id);
            // The learning code is synchronous and long: give it a thread of its own, not a pool thread.
            await Task.Factory.StartNew(() => work.Run(job, staging, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            token.ThrowIfCancellationRequested();
            IReadOnlyList<string> outputs;
            using (WorkerTelemetry.Source.StartActivity("publish")) outputs = outbox.Publish(job.Id, staging);
            store.Update(job with { State = JobState.Succeeded, FinishedAt = clock.GetUtcNow(), Outputs = outputs });
            work.Published(job);
            telemetry.Succeeded.Add(1, kind);
            telemetry.Duration.Record(clockStart.Elapsed.TotalSeconds, kind);
            LogSucceeded(log, job.Id, clockStart.Elapsed.TotalSeconds, outbox.Folder(job.Id));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            store.Update(job with { State = JobState.Claimed });
            activity?.SetStatus(ActivityStatusCode.Error, "stopped; resumes on the next start");
            LogStopped(log, job.Id);
        }
        catch (Exception e)
        {
            LogFailed(log, e, job.Id, failures.Fail(job, e, activity));
        }
    }

    [LoggerMessage(LogLevel.Information, "job {JobId} ({Kind}) started, run {Run}")]
    private static partial void LogStarted(ILogger logger, string jobId, JobKind kind, int run);

    [LoggerMessage(LogLevel.Information, "job {JobId}: volume {Shape} split into {Blocks} blocks, queued for any worker")]
    private static partial void LogSplit(ILogger logger, string jobId, int blocks, string shape);

    [LoggerMessage(LogLevel.Information, "job {JobId} done in {Seconds:F1} s: {Folder}")]
    private static partial void LogSucceeded(ILogger logger, string jobId, double seconds, string folder);

    [LoggerMessage(LogLevel.Warning, "job {JobId} stopped by shutdown; it stays claimed and resumes on the next start")]
    private static partial void LogStopped(ILogger logger, string jobId);

    [LoggerMessage(LogLevel.Error, "job {JobId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception error, string jobId, string reason);
}

/// <summary>Limits how many jobs run the network at once (Worker:GpuJobs), whatever Quartz's thread count.</summary>
public sealed class GpuGate(IOptions<WorkerOptions> options) : IDisposable
{
    public SemaphoreSlim Semaphore { get; } = new(options.Value.GpuJobs, options.Value.GpuJobs);

    /// <summary>
    /// Ends a job's hold on the network. When no job holds it any more, the free memory malloc keeps for reuse
    /// (<see cref="Cremi.Learning.Devices.MallocTuning"/>: up to 1 GiB of tensor memory) goes back to the system,
    /// so that an idle worker does not sit on its last job's high-water mark.
    /// </summary>
    public void ReleaseAndTrim()
    {
        if (Semaphore.Release() + 1 == options.Value.GpuJobs) Cremi.Learning.Devices.MallocTuning.ReleaseFreeMemory();
    }

    public void Dispose() => Semaphore.Dispose();
}
