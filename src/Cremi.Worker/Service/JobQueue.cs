using Quartz;

namespace Cremi.Worker.Service;

/// <summary>Hands claimed jobs to Quartz: one Quartz job per claimed file, keyed by the job id, fired now.</summary>
public sealed class JobQueue(ISchedulerFactory schedulers)
{
    public const string Group = "cremi";
    public const string IdKey = "id";

    public async Task EnqueueAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = new JobKey(job.Id, Group);
        if (await scheduler.Exists(key, cancellationToken)) return; // already queued: never twice
        var detail = JobBuilder.Create<JobRunner>().WithIdentity(key).UsingJobData(IdKey, job.Id)
            .WithDescription($"{job.Kind} {job.Source}").Build();
        var trigger = TriggerBuilder.Create().WithIdentity(job.Id, Group).StartNow().Build();
        await scheduler.ScheduleJob(detail, trigger, new ScheduleJobOptions(), cancellationToken);
    }
}
