using Microsoft.Extensions.Options;
using Quartz;

namespace Cremi.Worker.Service;

/// <summary>
/// Hands claimed jobs to Quartz: one Quartz job per claimed file, keyed by the job id, fired now. The job asks for
/// recovery and is kept (durable): with the clustered store, a node that dies while running it leaves a firing that
/// another node re-runs. Queuing is idempotent by key, so two nodes that both try to queue one job queue it once.
/// A block-wise job has more Quartz jobs, the same way: one per block (<see cref="BlockRunner"/>, key
/// <c>id/block-NNNN</c>) and one for the assembly (<see cref="JobRunner"/> with step "assemble", key <c>id/assemble</c>).
/// </summary>
public sealed class JobQueue(ISchedulerFactory schedulers, IOptions<SchedulerOptions>? options = null)
{
    public const string Group = "cremi";
    public const string IdKey = "id";
    public const string BlockKey = "block";
    public const string StepKey = "step";
    public const string AssembleStep = "assemble";

    private readonly bool _durable = options?.Value.Shared ?? false;

    public Task EnqueueAsync(JobRecord job, CancellationToken cancellationToken) =>
        ScheduleAsync<JobRunner>(new JobKey(job.Id, Group), new JobDataMap { [IdKey] = job.Id }, $"{job.Kind} {job.Source}", cancellationToken);

    public Task EnqueueBlockAsync(string id, int block, CancellationToken cancellationToken) =>
        ScheduleAsync<BlockRunner>(BlockJob(id, block), new JobDataMap { [IdKey] = id, [BlockKey] = block.ToString(System.Globalization.CultureInfo.InvariantCulture) }, $"block {block} of {id}", cancellationToken);

    public Task EnqueueAssemblyAsync(string id, CancellationToken cancellationToken) =>
        ScheduleAsync<JobRunner>(AssemblyJob(id), new JobDataMap { [IdKey] = id, [StepKey] = AssembleStep }, $"assembly of {id}", cancellationToken);

    public static JobKey BlockJob(string id, int block) => new($"{id}/block-{block:D4}", Group);

    public static JobKey AssemblyJob(string id) => new($"{id}/assemble", Group);

    private async Task ScheduleAsync<T>(JobKey key, JobDataMap data, string description, CancellationToken cancellationToken) where T : IJob
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (await HasTriggerAsync(scheduler, key, cancellationToken)) return; // already queued or running: never twice
        var detail = JobBuilder.Create<T>().WithIdentity(key).UsingJobData(data)
            .WithDescription(description).StoreDurably(_durable).RequestRecovery().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(key.Name, Group).ForJob(key).StartNow().Build();
        try
        {
            if (await scheduler.Exists(key, cancellationToken)) await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), cancellationToken);
            else await scheduler.ScheduleJob(detail, trigger, new ScheduleJobOptions(), cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another node queued it between the check and this call.
        }
    }

    /// <summary>True while any Quartz job of a block-wise job (a block or the assembly) has a trigger.</summary>
    public async Task<bool> IsAnyPartQueuedAsync(string id, int blocks, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var key in Enumerable.Range(0, blocks).Select(b => BlockJob(id, b)).Append(AssemblyJob(id)))
            if (await HasTriggerAsync(scheduler, key, cancellationToken)) return true;
        return false;
    }

    private static async Task<bool> HasTriggerAsync(IScheduler scheduler, JobKey key, CancellationToken cancellationToken) =>
        (await scheduler.GetTriggersOfJob(key, cancellationToken)).Count > 0;

    /// <summary>
    /// True while the job has a trigger: waiting, firing, or a recovery trigger that Quartz made for a dead node's
    /// firing. A clustered node's trigger stays in the database until its run completes, so "no trigger" means that
    /// no node has it and nobody will run it unless it is queued again.
    /// </summary>
    public async Task<bool> IsQueuedAsync(string id, CancellationToken cancellationToken) =>
        await HasTriggerAsync(await schedulers.GetScheduler(cancellationToken), new JobKey(id, Group), cancellationToken);
}
