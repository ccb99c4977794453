using System.Diagnostics;
using Cremi.Learning.Training;
using Microsoft.Extensions.Logging;

namespace Cremi.Worker.Service;

/// <summary>
/// Training progress as telemetry: one span per epoch (from its first step to its validation), the loss gauge,
/// and log lines for the start (saying whether it resumed from a checkpoint) and each epoch.
/// </summary>
internal sealed partial class JobTrainingObserver(string jobId, bool resumed, WorkerTelemetry telemetry, ILogger log) : ITrainingObserver
{
    private DateTimeOffset _epochStart = DateTimeOffset.UtcNow;

    public void OnStart(long firstStep, long totalSteps, string device, long parameters, TimeSpan? budget)
    {
        _epochStart = DateTimeOffset.UtcNow;
        LogStart(log, jobId, resumed ? "resuming from checkpoint at step" : "starting at step", firstStep, totalSteps, device);
    }

    public void OnStep(long step, double loss, double learningRate) => telemetry.RecordLoss(loss);

    public void OnEpoch(EpochRecord record, bool improved)
    {
        // The span is made when the epoch ends, with the epoch's real start time.
        using var span = WorkerTelemetry.Source.StartActivity($"epoch {record.Epoch}", ActivityKind.Internal, default(ActivityContext),
            startTime: _epochStart);
        span?.SetTag("cremi.train_loss", record.TrainLoss);
        span?.SetTag("cremi.validation_loss", record.ValidationLoss);
        span?.SetTag("cremi.validation_f1", record.BestF1);
        span?.SetTag("cremi.improved", improved);
        _epochStart = DateTimeOffset.UtcNow;
        LogEpoch(log, jobId, record.Epoch, record.TrainLoss, record.ValidationLoss, record.BestF1);
    }

    public void OnMessage(string message) => LogMessage(log, jobId, message);

    [LoggerMessage(LogLevel.Information, "job {JobId}: training {How} {FirstStep} of {TotalSteps} on {Device}")]
    private static partial void LogStart(ILogger logger, string jobId, string how, long firstStep, long totalSteps, string device);

    [LoggerMessage(LogLevel.Information, "job {JobId}: epoch {Epoch}: train loss {TrainLoss:F4}, validation loss {ValidationLoss:F4}, F1 {F1:F3}")]
    private static partial void LogEpoch(ILogger logger, string jobId, int epoch, double trainLoss, double validationLoss, double f1);

    [LoggerMessage(LogLevel.Information, "job {JobId}: {Message}")]
    private static partial void LogMessage(ILogger logger, string jobId, string message);
}
