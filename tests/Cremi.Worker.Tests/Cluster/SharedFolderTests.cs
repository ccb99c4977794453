using System.Text.Json;
using Cremi.Worker.Service;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Quartz;

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

    [Fact]
    public void A_sweep_holding_a_stale_copy_of_a_job_another_node_ran_keeps_that_run_in_job_json()
    {
        // The sweep reads every job.json, then reaches this one after another node has run and published it: what CI
        // once caught as a succeeded job with 0 runs and no node.
        using var root = new TempFolder();
        var folders = Folders(root);
        var store = new JobStore(folders, Shared);
        var outbox = new Outbox(folders);
        var queue = new JobQueue(new NoScheduler(), Shared); // never reached: the job is published
        var sweeper = new OrphanSweeper(store, outbox, queue, new BlockwiseJobs(store, queue, folders), Shared,
            NullLogger<OrphanSweeper>.Instance, TimeProvider.System);
        Directory.CreateDirectory(root.File("inbox"));
        File.WriteAllText(root.File("inbox/a.hdf"), "data");
        var stale = store.Claim(new JobRecord { Id = "job-1", Kind = JobKind.Generate, Source = "a.hdf", Inputs = [] }, root.File("inbox/a.hdf"))!;

        var started = DateTimeOffset.UtcNow;
        var other = new JobStore(folders, Shared); // the node that runs it
        var running = other.Update(stale with { State = JobState.Running, Runs = 1, Node = "node-a", StartedAt = started });
        File.WriteAllText(Path.Combine(outbox.Staging("job-1"), "mask.hdf"), "mask");
        outbox.Publish("job-1", Directory.GetDirectories(root.File("outbox"), ".staging-*").Single());

        // Between the run's publish and its own "succeeded": the sweep marks it done from job.json, not from its copy.
        Assert.True(sweeper.MarkDoneIfPublished(stale));
        var marked = store.Find("job-1")!;
        Assert.Equal((JobState.Succeeded, 1, "node-a", started), (marked.State, marked.Runs, marked.Node, marked.StartedAt));
        Assert.Equal(["mask.hdf"], marked.Outputs);

        // After the run's "succeeded": the sweep leaves the record as the run wrote it.
        var finished = other.Update(running with { State = JobState.Succeeded, FinishedAt = started.AddSeconds(2), Outputs = ["mask.hdf"] });
        Assert.True(sweeper.MarkDoneIfPublished(stale));
        Assert.Equal(finished, store.Find("job-1"), JobRecordComparer);
    }

    // Records hold lists, which a record's own Equals compares by reference.
    private static readonly IEqualityComparer<JobRecord?> JobRecordComparer = EqualityComparer<JobRecord?>.Create(
        (a, b) => JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b), r => 0);

    private static IOptions<WorkerOptions> Folders(TempFolder root) => Options.Create(new WorkerOptions
    {
        Inbox = root.File("inbox"), Outbox = root.File("outbox"), Work = root.File("work"), Failed = root.File("failed"),
    });

    private static FailureReport Report(string id) => new(id, "bad.hdf", "claim", "not HDF5", 3, null, DateTimeOffset.UnixEpoch);

    /// <summary>For code paths that must not reach Quartz.</summary>
    private sealed class NoScheduler : ISchedulerFactory
    {
        public ValueTask<List<IScheduler>> GetAllSchedulers(CancellationToken cancellationToken = default) => throw new InvalidOperationException("no scheduler here");
        public ValueTask<IScheduler> GetScheduler(CancellationToken cancellationToken = default) => throw new InvalidOperationException("no scheduler here");
        public ValueTask<IScheduler?> LookupScheduler(string name, CancellationToken cancellationToken = default) => throw new InvalidOperationException("no scheduler here");
    }
}
