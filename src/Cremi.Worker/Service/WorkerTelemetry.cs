using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cremi.Worker.Service;

/// <summary>
/// The worker's spans and instruments. One trace per job: the claim span is its root, and every later span
/// (load, preprocess, epochs, inference, write, evaluate, publish), even after a restart, continues that trace
/// through the traceparent kept in job.json.
/// </summary>
public sealed class WorkerTelemetry : IDisposable
{
    public const string Name = "Cremi.Worker";
    public static readonly ActivitySource Source = new(Name);

    private readonly Meter _meter;
    private double _lastLoss = double.NaN;

    public WorkerTelemetry(IMeterFactory meters, JobStore store)
    {
        _meter = meters.Create(Name);
        Started = _meter.CreateCounter<long>("cremi.jobs.started", description: "Job runs started");
        Succeeded = _meter.CreateCounter<long>("cremi.jobs.succeeded", description: "Jobs whose outputs were published");
        Failed = _meter.CreateCounter<long>("cremi.jobs.failed", description: "Jobs and inbox files moved to failed/");
        Duration = _meter.CreateHistogram<double>("cremi.job.duration", "s", "Wall time of a job run");
        VoxelsPerSecond = _meter.CreateHistogram<double>("cremi.inference.voxels_per_second", "voxel/s", "Prediction throughput of a generate or test job");
        _meter.CreateObservableGauge("cremi.queue.depth", () => store.Pending, description: "Claimed jobs not finished yet");
        _meter.CreateObservableGauge("cremi.training.loss", () => double.IsNaN(_lastLoss) ? [] : new[] { new Measurement<double>(_lastLoss) },
            description: "Training loss of the latest step");
    }

    public Counter<long> Started { get; }
    public Counter<long> Succeeded { get; }
    public Counter<long> Failed { get; }
    public Histogram<double> Duration { get; }
    public Histogram<double> VoxelsPerSecond { get; }

    public void RecordLoss(double loss) => _lastLoss = loss;

    /// <summary>
    /// A span that starts a new trace whatever the ambient activity is (a claim is where a job begins). It stays the
    /// current activity of the calling flow, so the claim's log lines carry its trace id; the ambient one comes back
    /// when the caller's async method returns (Activity.Current is async-local).
    /// </summary>
    public static Activity? StartRoot(string name)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity(name, ActivityKind.Consumer);
        if (activity is null) Activity.Current = previous; // nobody listens: leave things as they were
        return activity;
    }

    /// <summary>A job run's span, a child of its claim span (from job.json) so the job is one trace.</summary>
    public static Activity? StartJob(JobRecord job)
    {
        ActivityContext.TryParse(job.TraceParent, null, out var parent);
        var activity = Source.StartActivity($"job {job.Kind.ToString().ToLowerInvariant()}", ActivityKind.Internal, parent);
        activity?.SetTag("cremi.job.id", job.Id);
        activity?.SetTag("cremi.job.source", job.Source);
        activity?.SetTag("cremi.job.run", job.Runs);
        return activity;
    }

    public void Dispose() => _meter.Dispose();
}
