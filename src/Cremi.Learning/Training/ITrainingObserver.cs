namespace Cremi.Learning.Training;

/// <summary>Hooks the trainer calls so the CLI can show progress and the worker can trace; all optional.</summary>
public interface ITrainingObserver
{
    void OnStart(long firstStep, long totalSteps, string device, long parameters) { }
    void OnStep(long step, double loss, double learningRate) { }
    void OnEpoch(EpochRecord record, bool improved) { }
    void OnMessage(string message) { }
}

public sealed class NullTrainingObserver : ITrainingObserver
{
    public static NullTrainingObserver Instance { get; } = new();
}
