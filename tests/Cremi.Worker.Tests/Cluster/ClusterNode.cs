using System.Text.Json;
using Cremi.Worker.Tests.Worker;

namespace Cremi.Worker.Tests.Cluster;

/// <summary>`cremi worker --store postgres` for the cluster tests, with short check-ins so a dead node is noticed in seconds.</summary>
internal static class ClusterNode
{
    public static Task<WorkerProcess> StartAsync(WorkerFolders folders, string model, string connection) =>
        WorkerProcess.StartAsync(folders, model, "--store", "postgres", "--connection", connection,
            "--set", "Scheduler:CheckinSeconds=1", "--set", "Scheduler:CheckinMisfireSeconds=2", "--set", "Scheduler:IdleWaitSeconds=1");

    public static JsonElement Job(WorkerFolders folders, string id)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folders.Work, id, "job.json")));
        return json.RootElement.Clone();
    }

    public static int InState(WorkerFolders folders, string state) =>
        WorkerFolders.Folders(folders.Work).Count(id =>
        {
            try { return File.ReadAllText(Path.Combine(folders.Work, id, "job.json")).Contains($"\"state\": \"{state}\""); }
            catch (IOException) { return false; }
        });
}
