using System.Diagnostics;
using Cremi.Hdf5;
using Cremi.Worker.Cli;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Cremi.Worker.Service;

/// <summary>
/// Takes one inbox file and turns it into a claimed job, or into a failed/ entry:
/// 1. wait until its size and time stop changing (a copy in progress is not a failure, however long it takes);
/// 2. check that it is what it claims to be (HDF5 with volumes/raw, or a manifest describing a runnable job),
///    retried with exponential backoff (Polly) because a writer may pause longer than the stability window;
/// 3. move it into work/&lt;id&gt;/ by one rename (<see cref="JobStore.Claim"/>).
/// A file still invalid after its retries goes to failed/&lt;id&gt;/ with error.json.
/// </summary>
public sealed partial class FileClaimer(IOptions<WorkerOptions> options, JobStore store, FailedFolder failed,
    WorkerTelemetry telemetry, ILogger<FileClaimer> log, TimeProvider clock)
{
    private readonly WorkerOptions _options = options.Value;

    /// <summary>Made absolute when the job is claimed, so the job keeps naming the same file whatever the working folder.</summary>
    private string? DefaultModel => _options.DefaultModel is { Length: > 0 } m ? Path.GetFullPath(m) : null;

    /// <summary>The claimed job, or null when the file vanished or went to failed/.</summary>
    public async Task<JobRecord?> ClaimAsync(string path, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        using var activity = WorkerTelemetry.StartRoot("claim");
        activity?.SetTag("cremi.file", name);
        if (!await WaitUntilStableAsync(path, cancellationToken)) return null;

        var attempts = 0;
        var pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<CremiFileException>().Handle<ManifestException>()
                .Handle<UserInputException>().Handle<IOException>(),
            MaxRetryAttempts = _options.ClaimRetries,
            Delay = TimeSpan.FromSeconds(_options.RetryDelaySeconds),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                LogRetry(log, name, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, args.Outcome.Exception?.Message);
                return ValueTask.CompletedTask;
            },
        }).Build();

        try
        {
            var job = await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                if (!await WaitUntilStableAsync(path, token)) return null;
                var job = Describe(path, activity);
                return store.Claim(job, path);
            }, cancellationToken);
            if (job is not null)
            {
                activity?.SetTag("cremi.job.id", job.Id);
                LogClaimed(log, name, job.Id, job.Kind);
            }
            else if (attempts > 0) LogTakenByOther(log, name);
            return job;
        }
        catch (Exception e) when (e is CremiFileException or ManifestException or UserInputException or IOException)
        {
            var id = JobStore.NewId(name, clock.GetUtcNow());
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (!failed.Store(path, new FailureReport(id, name, "claim", e.Message, attempts, activity?.TraceId.ToString(), clock.GetUtcNow()),
                    fileRequired: true))
            {
                LogTakenByOther(log, name);
                return null;
            }
            telemetry.Failed.Add(1, new KeyValuePair<string, object?>("stage", "claim"));
            LogFailed(log, name, attempts, e.Message);
            return null;
        }
    }

    /// <summary>Checks the file and says which job it becomes; throws with a message naming the file.</summary>
    private JobRecord Describe(string path, Activity? activity)
    {
        var name = Path.GetFileName(path);
        var now = clock.GetUtcNow();
        var traceParent = activity?.Id;
        if (name.EndsWith(".job.json", StringComparison.OrdinalIgnoreCase))
        {
            var manifest = JobManifest.Parse(path, Path.GetDirectoryName(path)!);
            var job = new JobRecord
            {
                Id = JobStore.NewId(name, now), Kind = manifest.Kind, Source = name, Inputs = manifest.Inputs,
                Validation = manifest.Validation, Model = manifest.Model ?? (manifest.Kind == JobKind.Train ? null : DefaultModel),
                Options = manifest.Options, ClaimedAt = now, TraceParent = traceParent,
            };
            foreach (var input in job.Inputs) RequireCremi(input, job.Kind);
            CheckOptions(job, path);
            return job;
        }
        RequireCremi(path, JobKind.Generate);
        var id = JobStore.NewId(name, now);
        var generate = new JobRecord
        {
            Id = id, Kind = JobKind.Generate, Source = name, Inputs = [Path.Combine(store.Folder(id), name)],
            Model = DefaultModel, ClaimedAt = now, TraceParent = traceParent,
        };
        CheckOptions(generate, path);
        return generate;
    }

    private static void RequireCremi(string path, JobKind kind)
    {
        using var file = CremiFile.Open(path);
        file.Require(kind == JobKind.Generate ? CremiDatasets.Raw : CremiDatasets.Raw | CremiDatasets.Clefts);
    }

    /// <summary>Options and model are checked now, so a job that cannot run goes to failed/ before it is queued.</summary>
    private static void CheckOptions(JobRecord job, string path)
    {
        try
        {
            if (job.Kind == JobKind.Train) JobSettings.Train(job, "unused", null);
            else JobSettings.Generate(job, "unused");
        }
        catch (UserInputException e)
        {
            throw new ManifestException(path, e.Message);
        }
    }

    /// <summary>True once size and time have not changed for StableSeconds; false if the file disappeared.</summary>
    private async Task<bool> WaitUntilStableAsync(string path, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(_options.StableSeconds);
        var last = Stat(path);
        while (last is not null)
        {
            await Task.Delay(period, clock, cancellationToken);
            var now = Stat(path);
            if (now == last) return true;
            last = now;
        }
        return false;
    }

    private static (long, DateTime)? Stat(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : null;
    }

    [LoggerMessage(LogLevel.Information, "claimed {File} as job {JobId} ({Kind})")]
    private static partial void LogClaimed(ILogger logger, string file, string jobId, JobKind kind);

    [LoggerMessage(LogLevel.Information, "{File}: gone from the inbox before this worker claimed it (another worker took it, or it was removed)")]
    private static partial void LogTakenByOther(ILogger logger, string file);

    [LoggerMessage(LogLevel.Warning, "{File}: attempt {Attempt} failed, retrying in {Delay:F1} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, string file, int attempt, double delay, string? reason);

    [LoggerMessage(LogLevel.Error, "{File}: moved to failed/ after {Attempts} attempt(s): {Reason}")]
    private static partial void LogFailed(ILogger logger, string file, int attempts, string reason);
}
