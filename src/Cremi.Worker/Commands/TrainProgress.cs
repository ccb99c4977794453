using Cremi.Learning.Training;
using Spectre.Console;

namespace Cremi.Worker.Commands;

/// <summary>Shows a training run in a Spectre progress bar: step, loss, learning rate, last validation, ETA.</summary>
internal sealed class TrainProgress(ProgressTask task, IAnsiConsole console) : ITrainingObserver
{
    private string _validation = "validation: pending";

    public void OnStart(long firstStep, long totalSteps, string device, long parameters)
    {
        task.MaxValue = totalSteps;
        task.Value = firstStep;
        console.MarkupLineInterpolated($"training on [bold]{device}[/], {parameters:N0} parameters, steps {firstStep}..{totalSteps}");
    }

    public void OnStep(long step, double loss, double learningRate)
    {
        task.Value = step;
        task.Description = Markup.Escape($"step {step}  loss {loss:F4}  lr {learningRate:E1}  {_validation}");
    }

    public void OnEpoch(EpochRecord record, bool improved)
    {
        _validation = $"val F1 {record.BestF1:F3}@{record.BestThreshold:F2}";
        var line = Markup.Escape(
            $"epoch {record.Epoch}: train loss {record.TrainLoss:F4}, val loss {record.ValidationLoss:F4}, val F1 {record.ValidationF1:F3} (best threshold {record.BestThreshold:F2}: {record.BestF1:F3})");
        console.MarkupLine(improved ? line + " [green]best so far, saved[/]" : line);
    }

    public void OnMessage(string message) => console.MarkupLineInterpolated($"[yellow]{message}[/]");
}
