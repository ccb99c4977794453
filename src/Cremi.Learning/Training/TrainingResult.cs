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
    TimeSpan Elapsed);
