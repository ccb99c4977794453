using System.Text.Json.Serialization;

namespace Cremi.Worker.Service;

public enum JobKind { Generate, Train, Test }

public enum JobState { Claimed, Running, Succeeded, Failed }

/// <summary>
/// One claimed file's job, persisted as work/&lt;id&gt;/job.json (rewritten atomically at every change), so a
/// restarted worker knows what was claimed and what is left to do.
/// </summary>
public sealed record JobRecord
{
    public required string Id { get; init; }
    public required JobKind Kind { get; init; }
    /// <summary>The name the file had in the inbox.</summary>
    public required string Source { get; init; }
    /// <summary>Data files the job reads (claimed copies in the work folder, or paths a manifest named).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>Validation files for training (a manifest's "val").</summary>
    public IReadOnlyList<string> Validation { get; init; } = [];
    public string? Model { get; init; }
    /// <summary>The verb's options by property name, e.g. {"Epochs":"2","Window":"8,32,32"} (see JobSettings).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    public JobState State { get; init; }
    public int Runs { get; init; }
    /// <summary>The Quartz instance id of the node that ran (or runs) the job: with several workers, which one.</summary>
    public string? Node { get; init; }
    public DateTimeOffset ClaimedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>W3C traceparent of the claim span: the job's spans continue that trace, across restarts.</summary>
    public string? TraceParent { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<string> Outputs { get; init; } = [];

    [JsonIgnore] public string? TraceId => TraceParent?.Split('-') is { Length: 4 } parts ? parts[1] : null;
}
