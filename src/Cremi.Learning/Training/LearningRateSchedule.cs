namespace Cremi.Learning.Training;

/// <summary>Linear warm-up, then cosine decay to a floor: the schedule most U-Net trainers use with AdamW.</summary>
public static class LearningRateSchedule
{
    public static double At(long step, long totalSteps, double peak, int warmupSteps, double minFactor)
    {
        if (warmupSteps > 0 && step < warmupSteps) return peak * (step + 1) / warmupSteps;
        var decaySteps = Math.Max(1, totalSteps - warmupSteps);
        var progress = Math.Clamp((double)(step - warmupSteps) / decaySteps, 0, 1);
        var floor = peak * minFactor;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
