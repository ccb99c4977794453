namespace Cremi.Core.Augmentation;

/// <summary>
/// Which augmentations run and how strongly. Geometric ones (flips, 90° rotations) are the seed tool's; intensity,
/// missing and shifted sections and elastic deformation are the EM-specific ones the CREMI leaders train with
/// (Heinrich et al. 2018 / gunpowder: IntensityAugment, DefectAugment, ElasticAugment). Every probability is per window.
/// </summary>
public sealed record AugmentationOptions
{
    public bool Flips { get; init; } = true;
    public bool Rotations { get; init; } = true;

    /// <summary>
    /// Rotation by a uniform angle in the y-x plane while cutting the window (<see cref="RotationAugment"/>). Not in
    /// <see cref="Default"/>: one 15-minute CPU run on a synthetic volume scored 0.72 / 0.73 with it, inside the spread
    /// of the plain command's runs (0.70-0.78 / 0.62-0.75; README, Performance), so it is not shown to help there;
    /// it is meant for longer runs and for real volumes with few annotated synapses.
    /// </summary>
    public double AngleProbability { get; init; }

    /// <summary>Per section: x·scale + shift, then contrast around the section mean (EM sections differ in staining).</summary>
    public double IntensityProbability { get; init; } = 0.5;
    public double IntensityScale { get; init; } = 0.1;
    public double IntensityShift { get; init; } = 0.1;
    public double ContrastScale { get; init; } = 0.2;

    /// <summary>A section replaced by its mean (a lost or damaged section); labels are kept, as in CREMI.</summary>
    public double MissingSectionProbability { get; init; } = 0.1;

    /// <summary>A section translated in-plane with its labels (a misaligned section).</summary>
    public double ShiftedSectionProbability { get; init; } = 0.1;
    public int MaxShiftPixels { get; init; } = 8;

    /// <summary>Smooth in-plane displacement, varying over z too; control points every (z, y, x) voxels.</summary>
    public double ElasticProbability { get; init; } = 0.5;
    public (int Z, int Y, int X) ElasticControlSpacing { get; init; } = (4, 16, 16);
    public double ElasticSigmaPixels { get; init; } = 2.0;

    public static AugmentationOptions None { get; } = new()
    {
        Flips = false, Rotations = false, AngleProbability = 0, IntensityProbability = 0, MissingSectionProbability = 0,
        ShiftedSectionProbability = 0, ElasticProbability = 0,
    };

    /// <summary>What training uses unless told otherwise: every augmentation but <see cref="AngleProbability"/>.</summary>
    public static AugmentationOptions Default { get; } = new();

    public static AugmentationOptions All { get; } = new() { AngleProbability = 0.5 };

    public bool IsNone => this == None;

    /// <summary>
    /// "default", "all", "none", or a comma list of flip, rot90, angle, intensity, missing, shift, elastic (each with its default
    /// strength).
    /// </summary>
    public static AugmentationOptions Parse(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        if (trimmed == "all") return All;
        if (trimmed == "default") return Default;
        if (trimmed is "none" or "") return None;
        var result = None;
        foreach (var name in trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            result = name switch
            {
                "flip" or "flips" => result with { Flips = true },
                "rot90" or "rotate" => result with { Rotations = true },
                "angle" => result with { AngleProbability = All.AngleProbability },
                "intensity" => result with { IntensityProbability = All.IntensityProbability },
                "missing" => result with { MissingSectionProbability = All.MissingSectionProbability },
                "shift" => result with { ShiftedSectionProbability = All.ShiftedSectionProbability },
                "elastic" => result with { ElasticProbability = All.ElasticProbability },
                _ => throw new FormatException(
                    $"unknown augmentation '{name}': use default, all, none, or a comma list of flip, rot90, angle, intensity, missing, shift, elastic"),
            };
        }
        return result;
    }

    public override string ToString()
    {
        if (IsNone) return "none";
        var names = new List<string>();
        if (Flips) names.Add("flip");
        if (Rotations) names.Add("rot90");
        if (AngleProbability > 0) names.Add("angle");
        if (IntensityProbability > 0) names.Add("intensity");
        if (MissingSectionProbability > 0) names.Add("missing");
        if (ShiftedSectionProbability > 0) names.Add("shift");
        if (ElasticProbability > 0) names.Add("elastic");
        return string.Join(",", names);
    }
}
