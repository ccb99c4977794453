using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cremi.Worker.Service;
using OpenTelemetry.Metrics;

namespace Cremi.Worker.Tests.Worker;

/// <summary>
/// The worker's telemetry as a collector or a Prometheus server sees it: one trace per job with a span per stage,
/// the job metrics, logs carrying the job's trace id, and the /metrics scrape. Each test fails if a span, a parent
/// link or an instrument disappears.
/// </summary>
[Collection(nameof(WorkerServiceTests))]
public sealed class WorkerTelemetryTests(WorkerFixture fixture) : IClassFixture<WorkerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Each_job_is_one_trace_with_a_span_per_stage_block_and_epoch_and_the_metrics_count_it()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        await using var worker = await InProcessWorker.StartAsync(folders, fixture.Model);
        // A generate job of three blocks (slab 8 on 16 sections of 8-section windows) and a two-epoch train job.
        await File.WriteAllTextAsync(Path.Combine(folders.Inbox, "gen.job.json"), JsonSerializer.Serialize(new
        {
            kind = "generate", inputs = new[] { fixture.Large() }, options = new Dictionary<string, object> { ["slab"] = 8 },
        }));
        await File.WriteAllTextAsync(Path.Combine(folders.Inbox, "fit.job.json"), JsonSerializer.Serialize(new
        {
            kind = "train", inputs = new[] { fixture.Data }, options = new Dictionary<string, object>
            {
                ["filters"] = 4, ["depth"] = 2, ["in-plane-levels"] = 1, ["window"] = "8,32,32", ["epochs"] = 2,
                ["steps-per-epoch"] = 2, ["batch"] = 1, ["preprocess"] = "minmax",
            },
        }));
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 2 && Jobs(folders).All(j => j.State == JobState.Succeeded),
            Patience, () => string.Join('\n', Directory.GetFileSystemEntries(folders.Work, "*", SearchOption.AllDirectories)));
        await worker.StopAsync();

        var jobs = Jobs(folders).ToDictionary(j => j.Kind);
        var generate = Trace(worker, jobs[JobKind.Generate]);
        var job = generate.Single(s => s.DisplayName == "job generate");
        AssertChildren(generate, job, "load", "infer", "render", "metrics", "write", "publish");
        var infer = generate.Single(s => s.DisplayName == "infer");
        Assert.Equal(3, infer.GetTagItem("cremi.blocks"));
        Assert.Equal(["block 0", "block 1", "block 2"], generate.Where(s => s.ParentSpanId == infer.SpanId).Select(s => s.DisplayName).Order());
        Assert.Equal(jobs[JobKind.Generate].Id, job.GetTagItem("cremi.job.id"));

        var train = Trace(worker, jobs[JobKind.Train]);
        AssertChildren(train, train.Single(s => s.DisplayName == "job train"), "load+preprocess", "epoch 1", "epoch 2", "write", "publish");

        // Logs made while a job ran carry its trace id (OpenTelemetry takes it from the current span, as the console scope does).
        foreach (var record in jobs.Values)
        {
            var lines = worker.Logs.Where(l => l.FormattedMessage?.Contains($"job {record.Id}") == true).ToList();
            Assert.Contains(lines, l => l.FormattedMessage!.Contains(" done in "));
            Assert.All(lines, l => Assert.Equal(record.TraceId, l.TraceId.ToHexString()));
        }

        var metrics = worker.CollectMetrics().ToDictionary(m => m.Name);
        Assert.Equal(2, Sum(metrics["cremi.jobs.started"]));
        Assert.Equal(2, Sum(metrics["cremi.jobs.succeeded"]));
        Assert.Equal(2, Count(metrics["cremi.job.duration"]));
        Assert.Equal(1, Count(metrics["cremi.inference.voxels_per_second"]));
        Assert.Equal(0, Gauge(metrics["cremi.queue.depth"]));
        Assert.InRange(Gauge(metrics["cremi.training.loss"]), 1e-9, 100);
        Assert.False(metrics.ContainsKey("cremi.jobs.failed"), "nothing failed, so the failure counter has no points yet");
    }

    [Fact]
    public async Task The_metrics_endpoint_of_a_running_worker_shows_the_finished_job_and_its_log_lines_carry_the_trace_id()
    {
        using var root = new TempFolder();
        var folders = new WorkerFolders(root.Path);
        using var worker = await WorkerProcess.StartAsync(folders, fixture.Model);
        File.Copy(fixture.Data, Path.Combine(folders.Inbox, "one.hdf"));
        // job.json says succeeded before the job's metrics are recorded and its "done" line is logged: wait for the line.
        await WorkerFolders.WaitUntil(() => folders.Published.Length == 1 && Jobs(folders).Single() is { State: JobState.Succeeded } done
                && worker.Output.Contains($"job {done.Id} done in"),
            Patience, () => worker.Output);

        using var http = new HttpClient { BaseAddress = worker.Address };
        var text = await http.GetStringAsync("/metrics");
        foreach (var sample in new[]
                 {
                     Sample("cremi_jobs_started_total", "generate", 1), Sample("cremi_jobs_succeeded_total", "generate", 1),
                     Sample("cremi_job_duration_seconds_count", "generate", 1), Sample(@"cremi_inference_voxels_per_second\w*_count", "generate", 1),
                     @"(?m)^cremi_queue_depth\{[^}]*\} 0( |$)", "(?m)^# TYPE cremi_job_duration_seconds histogram$",
                 })
            Assert.True(Regex.IsMatch(text, sample), $"/metrics has no line matching {sample}:\n{text}");

        // The console log's scope names the job's trace, so a log line leads to the trace in a collector.
        var job = Jobs(folders).Single();
        Assert.Contains(worker.Output.Split('\n'), l => l.Contains($"job {job.Id} done in") && l.Contains($"TraceId:{job.TraceId}"));
    }

    /// <summary>The spans of a job's trace, checked to be one tree rooted at its claim span.</summary>
    private static List<Activity> Trace(InProcessWorker worker, JobRecord job)
    {
        var spans = worker.Spans.Where(s => s.TraceId.ToHexString() == job.TraceId).ToList();
        var claim = Assert.Single(spans, s => s.DisplayName == "claim");
        Assert.Equal(default, claim.ParentSpanId);
        Assert.Equal(claim.SpanId, spans.Single(s => s.DisplayName.StartsWith("job ", StringComparison.Ordinal)).ParentSpanId);
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        Assert.All(spans.Where(s => s != claim), s => Assert.Contains(s.ParentSpanId, ids));
        return spans;
    }

    private static void AssertChildren(List<Activity> spans, Activity parent, params string[] names)
    {
        var children = spans.Where(s => s.ParentSpanId == parent.SpanId).Select(s => s.DisplayName).ToList();
        foreach (var name in names) Assert.Contains(name, children);
    }

    private static IEnumerable<JobRecord> Jobs(WorkerFolders folders) =>
        WorkerFolders.Folders(folders.Work).Select(id =>
        {
            try { return JsonFiles.Read<JobRecord>(Path.Combine(folders.Work, id, JobStore.StateFile)); }
            // (being rewritten this instant: counts as not finished yet)
            catch (Exception e) when (e is IOException or JsonException) { return new JobRecord { Id = id, Kind = JobKind.Generate, Source = "", Inputs = [] }; }
        });

    /// <summary>A Prometheus sample line: name{...kind="KIND"...} VALUE [timestamp].</summary>
    private static string Sample(string name, string kind, int value) => $@"(?m)^{name}\{{[^}}]*kind=""{kind}""[^}}]*\}} {value}( |$)";

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints()) points.Add(point);
        return points;
    }

    private static long Sum(Metric metric) => Points(metric).Sum(p => p.GetSumLong());
    private static long Count(Metric metric) => Points(metric).Sum(p => p.GetHistogramCount());
    private static double Gauge(Metric metric) => metric.MetricType == MetricType.LongGauge
        ? Points(metric).Single().GetGaugeLastValueLong() : Points(metric).Single().GetGaugeLastValueDouble();
}
