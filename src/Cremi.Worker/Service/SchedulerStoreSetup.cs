using Quartz;

namespace Cremi.Worker.Service;

/// <summary>
/// Quartz's job store as Scheduler:Store says: in memory (one machine), or Quartz's clustered ADO.NET store on
/// PostgreSQL. Every node of a cluster has the same scheduler name and a generated instance id; the schema is created
/// at start-up by Quartz's own script (create_postgres.sql, embedded in Quartz), which is safe when several nodes
/// start at once; a firing cut short by a node's shutdown is handed back for another node to run.
/// </summary>
public static class SchedulerStoreSetup
{
    public static void UseWorkerStore(this IQuartzBuilder q, SchedulerOptions o)
    {
        // Quartz's default is the in-memory store; without a connection start-up validation stops the worker anyway.
        if (o.Store != SchedulerStore.Postgres || string.IsNullOrWhiteSpace(o.Connection)) return;
        q.ConfigureScheduler(s =>
        {
            s.InstanceName = o.InstanceName;
            s.GenerateInstanceId = true;
            // An idle node learns of jobs that another node queued only when it next asks: keep that short.
            s.IdleWaitTime = TimeSpan.FromSeconds(o.IdleWaitSeconds);
            // SIGTERM: the running job is asked to stop (checkpoint) while the host waits for it...
            s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
        });
        q.UsePersistentStore(store =>
        {
            store.UsePostgres(o.Connection!);
            store.UseSystemTextJsonSerializer();
            store.ProvisionSchema();
            store.UseClustering(c =>
            {
                c.CheckinInterval = TimeSpan.FromSeconds(o.CheckinSeconds);
                c.CheckinMisfireThreshold = TimeSpan.FromSeconds(o.CheckinMisfireSeconds);
            });
            // ...and a job that then stops by throwing OperationCanceledException is handed back as a recovery
            // trigger in the same transaction, so another node (or this one after its restart) runs it again.
            store.ConfigureStore(s => s.RecoverFiringsCancelledByShutdown = true);
        });
    }
}
