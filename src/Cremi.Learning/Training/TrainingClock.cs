namespace Cremi.Learning.Training;

/// <summary>
/// A run's clock against its time budget (`--minutes`). The budget is for the whole run, not only its steps: after the
/// last step come the validation of the steps since the last epoch and the threshold's calibration (sliding-window
/// inference over up to 8 M validation voxels, 14 s of a 15-minute CPU run), which used to run past the budget. So the
/// steps stop a reserve before the budget, estimated from the run's own epoch ends: a last epoch end as long as the
/// latest one, the calibration's windows at 1.25 times its validation's time per window (the calibration also crops,
/// blends and scores whole sections; on small windows it ran 10-25 % slower per window), and the calibration's own
/// model and history writes, taken as long as the epoch end's writes (all but its validation). An estimate from a
/// machine that then slows down (another job starts) can still fall short, so the calibration also gets a deadline,
/// the budget's end less those writes, and ends there with what it finished. The learning-rate decay follows
/// the time left for steps, so it still reaches its floor at the last step. Before the first epoch ends the reserve is
/// unknown and zero; it never takes more than half the budget, so a budget shorter than its own wrap-up still trains.
/// </summary>
public sealed class TrainingClock
{
    /// <summary>A calibration window's time over a validation window's.</summary>
    public const double CalibrationCostPerWindow = 1.25;

    private readonly TimeProvider _time;
    private readonly long _start;
    private TimeSpan _writes;

    public TrainingClock(TimeSpan? budget, TimeProvider? time = null)
    {
        Budget = budget;
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
    }

    /// <summary>The whole run's budget; null: no time limit.</summary>
    public TimeSpan? Budget { get; }

    /// <summary>Time kept back from the steps for the wrap-up after them.</summary>
    public TimeSpan Reserve { get; private set; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>Share of the steps' time spent, 0 to 1 (0 without a budget): what the learning-rate decay follows.</summary>
    public double StepFraction => Budget is { } budget && budget > TimeSpan.Zero ? Math.Min(1, Elapsed / (budget - Reserve)) : 0;

    /// <summary>True once the steps must stop for the wrap-up to end within the budget.</summary>
    public bool StepsSpent => Budget is { } budget && Elapsed >= budget - Reserve;

    /// <summary>
    /// Learns the wrap-up's length from an epoch end: <paramref name="epochEnd"/> in all (validation, model and
    /// checkpoint saved), <paramref name="validation"/> of it for <paramref name="validationWindows"/> windows; the
    /// calibration will run <paramref name="calibrationWindows"/> windows of the same size.
    /// </summary>
    public void RecordEpochEnd(TimeSpan epochEnd, TimeSpan validation, int validationWindows, long calibrationWindows)
    {
        var perWindow = validation / Math.Max(1, validationWindows);
        _writes = epochEnd - validation; // the model, checkpoint and history saved after the validation
        var reserve = epochEnd + perWindow * (CalibrationCostPerWindow * calibrationWindows) + _writes;
        Reserve = Budget is { } budget && reserve > budget / 2 ? budget / 2 : reserve;
    }

    /// <summary>
    /// A token cancelled when the calibration must end for its writes to end within the budget; never without a budget.
    /// </summary>
    public CancellationTokenSource CalibrationDeadline()
    {
        if (Budget is not { } budget) return new CancellationTokenSource();
        var left = budget - Elapsed - _writes;
        return new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time);
    }
}
