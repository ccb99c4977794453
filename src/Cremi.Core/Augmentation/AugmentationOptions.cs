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
    /// of the plain command's runs (0.70-0.78 / 0.62-0.75; docs/measurements.md), so it is not shown to help there;
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
    /// "default", "all", "none", or a comma list of flip, rot90, angle, intensity, missing, shift, elastic (each with its
    /// default strength); a probabilistic one may give its own per-window probability as name=P (missing=0.3), and
    /// default or all may open the list as its base ("default,missing=0.3").
    /// </summary>
    public static AugmentationOptions Parse(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        if (trimmed is "none" or "") return None;
        var result = None;
        var items = trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < items.Length; i++)
        {
            var (name, probability) = SplitProbability(items[i]);
            if (name is "default" or "all" && probability is null)
            {
                if (i > 0) throw new FormatException($"'{name}' can only open an augmentation list, as in '{name},missing=0.3'");
                result = name == "all" ? All : Default;
                continue;
            }
            double P(double standard) => probability ?? standard;
            result = name switch
            {
                "flip" or "flips" when probability is null => result with { Flips = true },
                "rot90" or "rotate" when probability is null => result with { Rotations = true },
                "angle" => result with { AngleProbability = P(All.AngleProbability) },
                "intensity" => result with { IntensityProbability = P(All.IntensityProbability) },
                "missing" => result with { MissingSectionProbability = P(All.MissingSectionProbability) },
                "shift" => result with { ShiftedSectionProbability = P(All.ShiftedSectionProbability) },
                "elastic" => result with { ElasticProbability = P(All.ElasticProbability) },
                "flip" or "flips" or "rot90" or "rotate" => throw new FormatException(
                    $"'{items[i]}': {name} takes no probability (flips and quarter turns are drawn uniformly per window)"),
                _ => throw new FormatException(
                    $"unknown augmentation '{name}': use default, all, none, or a comma list of flip, rot90, angle, intensity, missing, shift, elastic (name=P sets a probability)"),
            };
        }
        return result;
    }

    private static (string Name, double? Probability) SplitProbability(string item)
    {
        var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 1) return (item, null);
        if (!double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p)
            || p is < 0 or > 1 || double.IsNaN(p))
            throw new FormatException($"'{item}': the probability of {parts[0]} must be a number from 0 to 1");
        return (parts[0], p);
    }

    /// <summary>The list in <see cref="Parse"/>'s notation; a probability other than the standard one is written as name=P.</summary>
    public override string ToString()
    {
        if (IsNone) return "none";
        var names = new List<string>();
        if (Flips) names.Add("flip");
        if (Rotations) names.Add("rot90");
        Add("angle", AngleProbability, All.AngleProbability);
        Add("intensity", IntensityProbability, All.IntensityProbability);
        Add("missing", MissingSectionProbability, All.MissingSectionProbability);
        Add("shift", ShiftedSectionProbability, All.ShiftedSectionProbability);
        Add("elastic", ElasticProbability, All.ElasticProbability);
        return names.Count == 0 ? "none" : string.Join(",", names);

        void Add(string name, double probability, double standard)
        {
            if (probability > 0)
                names.Add(probability == standard ? name : $"{name}={probability.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }
}
