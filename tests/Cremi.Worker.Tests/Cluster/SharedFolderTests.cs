using Cremi.Worker.Service;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Tests.Cluster;

/// <summary>
/// What changes when several workers share inbox, work, outbox and failed/: losing a race is normal, and a starting
/// worker must not remove what another one is in the middle of.
/// </summary>
public sealed class SharedFolderTests
{
    private static readonly IOptions<SchedulerOptions> Shared = Options.Create(new SchedulerOptions { Store = SchedulerStore.Postgres, Connection = "Host=x" });

    [Fact]
    public void A_claim_that_loses_the_rename_to_another_worker_returns_null_and_leaves_no_job_folder()
    {
        using var root = new TempFolder();
        var store = new JobStore(Folders(root), Shared);
        var inbox = root.File("gone.hdf"); // another worker renamed it away a moment ago
        var job = new JobRecord { Id = "job-1", Kind = JobKind.Generate, Source = "gone.hdf", Inputs = [] };
        Assert.Null(store.Claim(job, inbox));
        Assert.False(Directory.Exists(store.Folder("job-1")));
    }

    [Fact]
    public async Task One_file_claimed_by_two_stores_at_once_goes_to_exactly_one_of_them()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.File("inbox"));
        var stores = new[] { new JobStore(Folders(root), Shared), new JobStore(Folders(root), Shared) };
        for (var round = 0; round < 200; round++)
        {
            var path = Path.Combine(root.File("inbox"), $"f{round}.hdf");
            File.WriteAllText(path, "data");
            using var start = new Barrier(2);
            var claims = stores.Select((store, i) => Task.Run(() =>
            {
                start.SignalAndWait();
                return store.Claim(new JobRecord { Id = $"r{round}-{i}", Kind = JobKind.Generate, Source = $"f{round}.hdf", Inputs = [] }, path);
            })).ToArray();
            Assert.Single(await Task.WhenAll(claims), c => c is not null);
        }
        Assert.Equal(200, Directory.GetDirectories(root.File("work")).Length);
        Assert.Equal(200, Directory.GetFiles(root.File("work"), "*.hdf", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void A_shared_start_up_keeps_a_young_claim_folder_without_its_file_which_may_be_another_workers_claim()
    {
        using var root = new TempFolder();
        var store = new JobStore(Folders(root), Shared);
        var folder = Directory.CreateDirectory(store.Folder("job-1")).FullName;
        File.WriteAllText(Path.Combine(folder, JobStore.StateFile),
            """{"id":"job-1","kind":"generate","source":"a.hdf","inputs":[],"state":"claimed"}""");
        store.Load();
        Assert.True(Directory.Exists(folder));

        File.SetLastWriteTimeUtc(Path.Combine(folder, JobStore.StateFile), DateTime.UtcNow - JobStore.DeadClaimAge - TimeSpan.FromMinutes(1));
        store.Load();
        Assert.False(Directory.Exists(folder)); // old enough: a claim that died before its rename
    }

    [Fact]
    public void A_bad_file_that_two_workers_give_up_on_is_filed_in_failed_once()
    {
        using var root = new TempFolder();
        var failed = new FailedFolder(Folders(root), Shared);
        var file = root.File("bad.hdf");
        File.WriteAllText(file, "user data");
        Assert.True(failed.Store(file, Report("job-1"), fileRequired: true));
        Assert.False(failed.Store(file, Report("job-2"), fileRequired: true)); // the other worker: the file is gone
        Assert.Equal(["job-1"], Directory.GetDirectories(root.File("failed")).Select(Path.GetFileName));
    }

    [Fact]
    public void Publishing_a_job_that_is_published_already_keeps_the_first_outputs()
    {
        using var root = new TempFolder();
        var outbox = new Outbox(Folders(root));
        File.WriteAllText(Path.Combine(outbox.Staging("job-1"), "mask.hdf"), "first");
        outbox.Publish("job-1", Directory.GetDirectories(root.File("outbox"), ".staging-*").Single());
        var second = outbox.Staging("job-1");
        File.WriteAllText(Path.Combine(second, "mask.hdf"), "second");
        Assert.Equal(["mask.hdf"], outbox.Publish("job-1", second));
        Assert.Equal("first", File.ReadAllText(Path.Combine(outbox.Folder("job-1"), "mask.hdf")));
        Assert.Empty(Directory.GetDirectories(root.File("outbox"), ".staging-*"));
    }

    [Fact]
    public void Two_runs_of_one_job_stage_apart_and_the_first_to_publish_wins()
    {
        // A node written off as dead still runs the job while the node that took it over starts its own run.
        using var root = new TempFolder();
        var outbox = new Outbox(Folders(root));
        var zombie = outbox.Staging("job-1");
        File.WriteAllText(Path.Combine(zombie, "mask.hdf"), "zombie, half written");
        var takeover = outbox.Staging("job-1");
        Assert.NotEqual(zombie, takeover);
        Assert.Equal("zombie, half written", File.ReadAllText(Path.Combine(zombie, "mask.hdf"))); // not cleared
        File.WriteAllText(Path.Combine(takeover, "mask.hdf"), "takeover");
        outbox.Publish("job-1", takeover);
        File.WriteAllText(Path.Combine(zombie, "mask.hdf"), "zombie");
        outbox.Publish("job-1", zombie);
        Assert.Equal("takeover", File.ReadAllText(Path.Combine(outbox.Folder("job-1"), "mask.hdf")));
        Assert.Empty(Directory.GetDirectories(root.File("outbox"), ".staging-*"));

        // Start-up removes staging folders of jobs no run can own, whatever their run part, and keeps the others.
        var dead = outbox.Staging("job-2");
        var alive = outbox.Staging("job-3");
        outbox.DiscardStaging(id => id == "job-2");
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(alive));
    }

    private static IOptions<WorkerOptions> Folders(TempFolder root) => Options.Create(new WorkerOptions
    {
        Inbox = root.File("inbox"), Outbox = root.File("outbox"), Work = root.File("work"), Failed = root.File("failed"),
    });

    private static FailureReport Report(string id) => new(id, "bad.hdf", "claim", "not HDF5", 3, null, DateTimeOffset.UnixEpoch);
}
