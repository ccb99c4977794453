using Cremi.Learning.Training;
using Microsoft.Extensions.Time.Testing;

namespace Cremi.Learning.Tests.Training;

public sealed class TrainingClockTests
{
    [Fact]
    public void Without_a_budget_the_steps_never_run_out_and_the_decay_ignores_time()
    {
        var time = new FakeTimeProvider();
        var clock = new TrainingClock(null, time);
        time.Advance(TimeSpan.FromDays(3));
        clock.RecordEpochEnd(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(4), 64, 147);

        Assert.False(clock.StepsSpent);
        Assert.Equal(0, clock.StepFraction);
    }

    [Fact]
    public void Before_any_epoch_ends_the_steps_have_the_whole_budget()
    {
        var time = new FakeTimeProvider();
        var clock = new TrainingClock(TimeSpan.FromMinutes(15), time);
        time.Advance(TimeSpan.FromMinutes(7.5));
        Assert.Equal(0.5, clock.StepFraction, 12);
        time.Advance(TimeSpan.FromMinutes(7.5) - TimeSpan.FromMilliseconds(1));
        Assert.False(clock.StepsSpent);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(clock.StepsSpent);
        Assert.Equal(1, clock.StepFraction);
    }

    [Fact]
    public void The_steps_stop_early_by_an_epoch_end_and_the_calibration_at_the_measured_time_per_window()
    {
        var time = new FakeTimeProvider();
        var clock = new TrainingClock(TimeSpan.FromMinutes(15), time);
        // The 15-minute CPU run's figures: 64 validation windows in 6.4 s of a 7 s epoch end, 147 calibration windows.
        clock.RecordEpochEnd(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(6.4), 64, 147);
        var reserve = TimeSpan.FromSeconds(7 + 0.1 * 1.25 * 147 + 0.6); // the epoch end, the calibration's windows and its writes
        Assert.Equal(reserve.TotalSeconds, clock.Reserve.TotalSeconds, 9);

        time.Advance(TimeSpan.FromMinutes(15) - reserve - TimeSpan.FromSeconds(1));
        Assert.False(clock.StepsSpent);
        Assert.InRange(clock.StepFraction, 0.99, 1.0);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(clock.StepsSpent);
        Assert.Equal(1, clock.StepFraction);
    }

    [Fact]
    public void A_later_epoch_end_replaces_the_estimate()
    {
        var clock = new TrainingClock(TimeSpan.FromMinutes(15), new FakeTimeProvider());
        clock.RecordEpochEnd(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(19), 64, 147); // the first, slow one
        clock.RecordEpochEnd(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(6.4), 64, 147);
        Assert.Equal(7 + 0.1 * 1.25 * 147 + 0.6, clock.Reserve.TotalSeconds, 9);
    }

    [Fact]
    public void The_reserve_never_takes_more_than_half_the_budget()
    {
        var time = new FakeTimeProvider();
        var clock = new TrainingClock(TimeSpan.FromSeconds(30), time);
        clock.RecordEpochEnd(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(9), 10, 1000);
        Assert.Equal(TimeSpan.FromSeconds(15), clock.Reserve);
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(clock.StepsSpent);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(clock.StepsSpent);
    }

    [Fact]
    public void The_calibration_deadline_is_the_budgets_end_less_the_writes_after_it()
    {
        var time = new FakeTimeProvider();
        var clock = new TrainingClock(TimeSpan.FromMinutes(15), time);
        clock.RecordEpochEnd(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(6.4), 64, 147); // writes: 0.6 s
        time.Advance(TimeSpan.FromMinutes(14.5));
        using var deadline = clock.CalibrationDeadline();
        time.Advance(TimeSpan.FromSeconds(29.3));
        Assert.False(deadline.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(deadline.IsCancellationRequested);
    }

    [Fact]
    public void A_calibration_after_the_budget_is_spent_has_no_time_and_one_without_a_budget_never_ends()
    {
        var time = new FakeTimeProvider();
        var late = new TrainingClock(TimeSpan.FromSeconds(10), time);
        time.Advance(TimeSpan.FromSeconds(12));
        using (var deadline = late.CalibrationDeadline()) Assert.True(deadline.IsCancellationRequested);

        var open = new TrainingClock(null, time);
        using var none = open.CalibrationDeadline();
        time.Advance(TimeSpan.FromDays(3));
        Assert.False(none.IsCancellationRequested);
    }
}
