namespace Cremi.Learning.Training;

/// <summary>Hooks the trainer calls so the CLI can show progress and the worker can trace; all optional.</summary>
public interface ITrainingObserver
{
    /// <param name="budget">The run's time budget when it has one: it then ends the run long before totalSteps.</param>
    void OnStart(long firstStep, long totalSteps, string device, long parameters, TimeSpan? budget) { }
    void OnStep(long step, double loss, double learningRate) { }
    void OnEpoch(EpochRecord record, bool improved) { }
    void OnMessage(string message) { }
}

public sealed class NullTrainingObserver : ITrainingObserver
{
    public static NullTrainingObserver Instance { get; } = new();
}
