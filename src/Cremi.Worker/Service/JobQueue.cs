using Microsoft.Extensions.Options;
using Quartz;

namespace Cremi.Worker.Service;

/// <summary>
/// Hands claimed jobs to Quartz: one Quartz job per claimed file, keyed by the job id, fired now. The job asks for
/// recovery and is kept (durable): with the clustered store, a node that dies while running it leaves a firing that
/// another node re-runs. Queuing is idempotent by key, so two nodes that both try to queue one job queue it once.
/// </summary>
public sealed class JobQueue(ISchedulerFactory schedulers, IOptions<SchedulerOptions>? options = null)
{
    public const string Group = "cremi";
    public const string IdKey = "id";

    private readonly bool _durable = options?.Value.Shared ?? false;

    public async Task EnqueueAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = new JobKey(job.Id, Group);
        if (await IsQueuedAsync(job.Id, cancellationToken)) return; // already queued or running: never twice
        var detail = JobBuilder.Create<JobRunner>().WithIdentity(key).UsingJobData(IdKey, job.Id)
            .WithDescription($"{job.Kind} {job.Source}").StoreDurably(_durable).RequestRecovery().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(job.Id, Group).ForJob(key).StartNow().Build();
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

    /// <summary>
    /// True while the job has a trigger: waiting, firing, or a recovery trigger that Quartz made for a dead node's
    /// firing. A clustered node's trigger stays in the database until its run completes, so "no trigger" means that
    /// no node has it and nobody will run it unless it is queued again.
    /// </summary>
    public async Task<bool> IsQueuedAsync(string id, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return (await scheduler.GetTriggersOfJob(new JobKey(id, Group), cancellationToken)).Count > 0;
    }
}
