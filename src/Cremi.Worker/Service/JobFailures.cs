using System.Diagnostics;

namespace Cremi.Worker.Service;

/// <summary>
/// What every kind of run does when a job fails (the whole job, or one of its blocks): the claimed file goes to failed/
/// with error.json, job.json says Failed with the reason. Bad input reads as the message that names the file.
/// </summary>
public sealed class JobFailures(JobStore store, FailedFolder failed, WorkerTelemetry telemetry, TimeProvider clock)
{
    /// <summary>Records the failure; returns the reason as written.</summary>
    public string Fail(JobRecord job, Exception error, Activity? activity)
    {
        var message = error is Cremi.Hdf5.CremiFileException or Cli.UserInputException or Learning.Training.ModelFileException
            ? error.Message : $"{error.GetType().Name}: {error.Message}";
        activity?.SetStatus(ActivityStatusCode.Error, message);
        failed.Store(store.ClaimedFile(job), new FailureReport(job.Id, job.Source, job.Kind.ToString().ToLowerInvariant(), message,
            job.Runs, activity?.TraceId.ToString() ?? job.TraceId, clock.GetUtcNow()));
        store.Update(job with { State = JobState.Failed, FinishedAt = clock.GetUtcNow(), Error = message });
        telemetry.Failed.Add(1, new KeyValuePair<string, object?>("kind", job.Kind.ToString().ToLowerInvariant()));
        return message;
    }
}
