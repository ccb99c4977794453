using Cremi.Worker.Tests.Worker;

namespace Cremi.Worker.Tests.Cluster;

/// <summary>`cremi worker --store postgres` for the cluster tests, with short check-ins so a dead node is noticed in seconds.</summary>
internal static class ClusterNode
{
    public static Task<WorkerProcess> StartAsync(WorkerFolders folders, string model, string connection, params string[] extra) =>
        WorkerProcess.StartAsync(folders, model, ["--store", "postgres", "--connection", connection,
            "--set", "Scheduler:CheckinSeconds=1", "--set", "Scheduler:CheckinMisfireSeconds=2", "--set", "Scheduler:IdleWaitSeconds=1", "--set", "Scheduler:OrphanCheckSeconds=1", .. extra]);
}
