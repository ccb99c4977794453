namespace Cremi.Learning.Training;

/// <summary>Linear warm-up, then cosine decay to a floor: the schedule most U-Net trainers use with AdamW.</summary>
public static class LearningRateSchedule
{
    /// <param name="timeFraction">
    /// Elapsed share of a time budget (0 without one). The decay follows whichever of steps and time is further
    /// along, so a run ended by its budget (epochs set high, as `--time-budget` runs do) still anneals to the floor
    /// by its last step instead of training at the peak rate to the end.
    /// </param>
    public static double At(long step, long totalSteps, double peak, int warmupSteps, double minFactor, double timeFraction = 0)
    {
        if (warmupSteps > 0 && step < warmupSteps) return peak * (step + 1) / warmupSteps;
        var progress = DecayProgress(step, totalSteps, warmupSteps, timeFraction);
        var floor = peak * minFactor;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>How far the decay has gone: 0 at the peak (and while warming up) to 1 at the floor; the further along of
    /// the steps and the time budget, as in <see cref="At"/>.</summary>
    public static double DecayProgress(long step, long totalSteps, int warmupSteps, double timeFraction = 0)
    {
        if (warmupSteps > 0 && step < warmupSteps) return 0;
        var decaySteps = Math.Max(1, totalSteps - warmupSteps);
        return Math.Clamp(Math.Max((double)(step - warmupSteps) / decaySteps, timeFraction), 0, 1);
    }
}
