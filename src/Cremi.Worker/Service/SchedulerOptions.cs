using System.ComponentModel.DataAnnotations;

namespace Cremi.Worker.Service;

public enum SchedulerStore { Memory, Postgres }

/// <summary>
/// The appsettings section "Scheduler": where Quartz keeps its jobs. Memory (the default) needs nothing installed and
/// serves one machine; Postgres is Quartz's clustered ADO.NET store, shared by every worker that names the same
/// database, so several machines take jobs from one queue and a dead node's jobs are re-run by another.
/// </summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    public SchedulerStore Store { get; set; } = SchedulerStore.Memory;

    /// <summary>Npgsql connection string, e.g. Host=db;Port=5432;Database=cremi;Username=cremi (Postgres only).</summary>
    public string? Connection { get; set; }

    /// <summary>The cluster's name: every node of one cluster uses the same; instance ids are generated per node.</summary>
    [Required] public string InstanceName { get; set; } = "cremi";

    /// <summary>How often a node records in the database that it is alive.</summary>
    [Range(1, 600)] public double CheckinSeconds { get; set; } = 5;

    /// <summary>How long past a missed check-in the others wait before re-running a node's jobs; keep above the worst pause.</summary>
    [Range(1, 3600)] public double CheckinMisfireSeconds { get; set; } = 15;

    /// <summary>How often an idle node asks the database for jobs that another node queued.</summary>
    [Range(1, 600)] public double IdleWaitSeconds { get; set; } = 2;

    /// <summary>How often each node looks for claimed jobs that no node queued (their claimer died in between); 0 = only at start-up.</summary>
    [Range(0, 86400)] public double OrphanCheckSeconds { get; set; } = 60;

    /// <summary>True when several workers may share the inbox, work, outbox and failed folders (the clustered store).</summary>
    public bool Shared => Store == SchedulerStore.Postgres;
}
