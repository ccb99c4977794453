using Cremi.Learning.Training;
using Spectre.Console;

namespace Cremi.Worker.Commands;

/// <summary>Shows a training run in a Spectre progress bar: step, loss, learning rate, last validation, ETA.</summary>
internal sealed class TrainProgress(ProgressTask task, IAnsiConsole console) : ITrainingObserver
{
    private string _validation = "validation: pending";
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private TimeSpan? _budget;

    public void OnStart(long firstStep, long totalSteps, string device, long parameters, TimeSpan? budget)
    {
        // A time-budgeted run ends on the clock, so the bar shows time spent rather than steps done.
        _budget = budget;
        _clock.Start();
        task.MaxValue = budget?.TotalSeconds ?? totalSteps;
        task.Value = budget is null ? firstStep : 0;
        var length = budget is { } b
            ? $"from step {firstStep:N0} for {b.TotalMinutes:0.##} min or to step {totalSteps:N0}, whichever comes first"
            : $"steps {firstStep:N0}..{totalSteps:N0}";
        console.MarkupLineInterpolated($"training on [bold]{device}[/], {parameters:N0} parameters, {length}");
    }

    public void OnStep(long step, double loss, double learningRate)
    {
        task.Value = _budget is null ? step : Math.Min(_clock.Elapsed.TotalSeconds, task.MaxValue);
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
