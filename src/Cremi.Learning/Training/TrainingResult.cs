namespace Cremi.Learning.Training;

/// <summary>How a run ended and where its files are.</summary>
public sealed record TrainingResult(
    string StopReason,
    long Steps,
    double BestF1,
    double BestThreshold,
    string BestModelPath,
    string LastCheckpointPath,
    IReadOnlyList<EpochRecord> History,
    TimeSpan Elapsed)
{
    /// <summary>The threshold re-chosen on generated scores after training; BestF1/BestThreshold are its figures when set.</summary>
    public Calibration? Calibration { get; init; }
}
