using Cremi.Learning.Training;

namespace Cremi.Learning.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)] // warm-up: (0 + 1) / 10 of the peak
    [InlineData(9, 1.0)]
    [InlineData(10, 1.0)] // decay starts at the peak
    [InlineData(505, 0.55)] // half-way: floor + (peak - floor) / 2 with floor 0.1
    [InlineData(1000, 0.1)]
    [InlineData(5000, 0.1)] // past the end: the floor
    public void Warms_up_then_decays_by_steps(long step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.At(step, 1000, 1.0, 10, 0.1), 9);

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.55)]
    [InlineData(1.0, 0.1)]
    [InlineData(2.0, 0.1)]
    public void A_time_budget_run_anneals_by_elapsed_time_when_its_steps_are_far_from_done(double timeFraction, double expected) =>
        // Step 20 of a nominal 250,000 (epochs set high; the budget ends the run): the time decides.
        Assert.Equal(expected, LearningRateSchedule.At(20, 250_000, 1.0, 10, 0.1, timeFraction), 4);

    [Theory]
    [InlineData(5, 0.0, 0.0)]    // warming up
    [InlineData(10, 0.0, 0.0)]   // at the peak
    [InlineData(505, 0.0, 0.5)]  // half the decay steps
    [InlineData(20, 0.75, 0.75)] // a time budget three quarters spent
    [InlineData(2000, 0.0, 1.0)]
    public void Decay_progress_is_the_share_of_the_decay_done_by_steps_or_time(long step, double timeFraction, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.DecayProgress(step, 1000, 10, timeFraction), 9);
}
