namespace Cremi.Learning.Training;

/// <summary>What the network learns to output.</summary>
public enum TargetKind
{
    /// <summary>Cleft probability (sigmoid of the logits); losses BCE/Dice/IoU.</summary>
    Binary,

    /// <summary>
    /// tanh(signed distance to the nearest cleft surface / 50 nm), regressed with a class-balanced MSE
    /// (Heinrich et al. 2018, "DTU-2"); an output above 0 means cleft.
    /// </summary>
    Distance,
}
