using System.Diagnostics;
using Cremi.Worker.Workflows;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Cremi.Worker.Service;

/// <summary>
/// The Quartz job of one block of a block-wise job: predicts the block's core and stores it (work/&lt;id&gt;/grid/
/// core-NNNN.bin, by rename), then queues the assembly if every block is done. Any node may run it, and running it
/// again is harmless: a block whose core file exists is not predicted again, and the assembly is queued once by key.
/// So a node dying at any point loses at most the block in flight, which Quartz's recovery gives to another node;
/// dying after the core is stored but before the assembly is queued is covered by that same re-run, which finds the
/// core and queues the assembly. A failing block fails the whole job (failed/ and job.json), as a failing run does.
/// </summary>
[DisallowConcurrentExecution] // per block, across the cluster
public sealed partial class BlockRunner(JobStore store, BlockwiseJobs blockwise, JobFailures failures, GpuGate gpu,
    IHostApplicationLifetime lifetime, ILogger<BlockRunner> log, IOptions<SchedulerOptions> scheduler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var id = data.GetString(JobQueue.IdKey) ?? throw new InvalidOperationException("Quartz block job without a job id");
        var index = int.Parse(data.GetString(JobQueue.BlockKey) ?? throw new InvalidOperationException($"Quartz block job of {id} without a block"),
            System.Globalization.CultureInfo.InvariantCulture);
        var shared = scheduler.Value.Shared;
        // As JobRunner: with the clustered store a stop hands the block back to Quartz (another node takes it now);
        // alone, it ends the block, and the job's recovery at the next start queues the blocks still missing.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shared ? CancellationToken.None : lifetime.ApplicationStopping);
        var token = stop.Token;
        if (store.Find(id) is not { State: JobState.Claimed or JobState.Running } job) return; // failed or finished meanwhile
        var folder = blockwise.Folder(id);
        var plan = folder.ReadPlan();
        var block = plan.Blocks[index];
        if (!folder.IsDone(block))
        {
            try
            {
                await gpu.Semaphore.WaitAsync(token);
            }
            catch (OperationCanceledException)
            {
                if (shared) throw;
                return;
            }
            using var activity = WorkerTelemetry.StartJob(job);
            activity?.SetTag("cremi.block", index);
            try
            {
                LogStarted(log, id, index, plan.Blocks.Count, context.Scheduler.SchedulerInstanceId);
                var output = await Task.Factory.StartNew(() => Predict(job, plan, block, folder, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                folder.Write(output);
                LogDone(log, id, index, plan.Blocks.Count, output.Seconds, output.Windows);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                LogStopped(log, id, index);
                if (shared) throw;
                return;
            }
            catch (Exception e)
            {
                // Another block may have failed the job first; its report stands.
                if (store.Find(id) is { State: JobState.Claimed or JobState.Running } current) LogFailed(log, e, id, index, failures.Fail(current, e, activity));
                return;
            }
            finally
            {
                gpu.ReleaseAndTrim();
            }
        }
        if (folder.Missing(plan).Count == 0) await blockwise.QueueAsync(id, plan, token); // the last block: assembly next
    }

    private static BlockOutput Predict(JobRecord job, BlockPlan plan, Learning.Inference.GridBlock block, BlockFolder folder, CancellationToken token)
    {
        var mask = Path.Combine(folder.Folder, JobWork.MaskName); // never written by a block: the setup wants a name
        using var setup = GenerationSetup.Open(JobSettings.Generate(job, mask), mask);
        plan.EnsureProducer(setup.BlockProducer(), folder.PlanPath); // fails the job rather than mix two models' blocks
        using (WorkerTelemetry.Source.StartActivity("infer"))
            return setup.Blocks.Predict(setup.Data, setup.Request, block, token);
    }

    [LoggerMessage(LogLevel.Information, "job {JobId}: block {Index} of {Count} started on {Node}")]
    private static partial void LogStarted(ILogger logger, string jobId, int index, int count, string node);

    [LoggerMessage(LogLevel.Information, "job {JobId}: block {Index} of {Count} done in {Seconds:F1} s ({Windows} windows)")]
    private static partial void LogDone(ILogger logger, string jobId, int index, int count, double seconds, long windows);

    [LoggerMessage(LogLevel.Warning, "job {JobId}: block {Index} stopped by shutdown; it runs again")]
    private static partial void LogStopped(ILogger logger, string jobId, int index);

    [LoggerMessage(LogLevel.Error, "job {JobId}: block {Index} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception error, string jobId, int index, string reason);
}
