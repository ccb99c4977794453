using System.ComponentModel.DataAnnotations;

namespace Cremi.Worker.Service;

/// <summary>The appsettings section "Worker": folders, default model, concurrency and the inbox's patience.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Where users drop *.hdf, *.h5 and *.job.json files.</summary>
    [Required] public string Inbox { get; set; } = "";

    /// <summary>Where each finished job's folder outbox/&lt;job-id&gt;/ appears, complete, by one rename.</summary>
    [Required] public string Outbox { get; set; } = "";

    /// <summary>Claimed inputs and job state (work/&lt;job-id&gt;/job.json); what a restart resumes from.</summary>
    [Required] public string Work { get; set; } = "";

    /// <summary>Files that could not be claimed or whose job failed, each with an error.json.</summary>
    [Required] public string Failed { get; set; } = "";

    /// <summary>model.cremi used for a plain *.hdf dropped in the inbox; a manifest may name another.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Quartz threads: jobs that may be running (or waiting for the GPU) at once.</summary>
    [Range(1, 64)] public int JobConcurrency { get; set; } = 2;

    /// <summary>Jobs that may use the network (GPU or CPU) at once; 1 keeps them from fighting over GPU memory.</summary>
    [Range(1, 16)] public int GpuJobs { get; set; } = 1;

    /// <summary>A file must keep its size and time this long before it is opened.</summary>
    [Range(0.05, 3600)] public double StableSeconds { get; set; } = 2;

    /// <summary>The watcher misses events (network file systems, overflows): the inbox is listed again this often.</summary>
    [Range(0.1, 3600)] public double RescanSeconds { get; set; } = 10;

    /// <summary>Opening a stable file as HDF5 (or a manifest as JSON) is retried this often before it goes to failed/.</summary>
    [Range(0, 20)] public int ClaimRetries { get; set; } = 4;

    /// <summary>First retry delay; doubled each retry (exponential backoff with jitter).</summary>
    [Range(0.01, 600)] public double RetryDelaySeconds { get; set; } = 1;

    /// <summary>A generate or test job on a volume of more voxels than this is split into blocks of at most this many
    /// (core) voxels, each its own job that any worker may run, then assembled. The default (256 Mi voxels) keeps a
    /// CREMI sample (195 M voxels) one job.</summary>
    [Range(1L, long.MaxValue)] public long BlockVoxels { get; set; } = 1L << 28;

    /// <summary>How long a stopping worker waits for jobs to checkpoint (keep below the unit's TimeoutStopSec).</summary>
    [Range(1, 3600)] public double StopTimeoutSeconds { get; set; } = 60;
}

/// <summary>The appsettings section "Display": the Kestrel endpoint (jobs, health, metrics, Neuroglancer).</summary>
public sealed class DisplayOptions
{
    public const string Section = "Display";

    [Range(0, 65535)] public int Port { get; set; } = 9000;

    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Required when Bind is not loopback (checked by the display server's own rules).</summary>
    public string? Token { get; set; }
}

/// <summary>The appsettings section "Telemetry": which exporters get traces, metrics and logs.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Write spans and metrics to standard output (the journal under systemd).</summary>
    public bool Console { get; set; } = true;

    /// <summary>OTLP collector, e.g. http://localhost:4317; empty = no OTLP export (OTEL_EXPORTER_OTLP_ENDPOINT also works).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Serve metrics at /metrics in the Prometheus text format.</summary>
    public bool Prometheus { get; set; } = true;
}
