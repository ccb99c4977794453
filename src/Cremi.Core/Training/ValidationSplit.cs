namespace Cremi.Core.Training;

/// <summary>
/// Where validation data comes from, never overlapping training: whole files (<see cref="ByVolume"/>), or the last
/// sections of every volume (<see cref="ByZ"/>; a contiguous z-range rather than random tiles, because tiles cut from
/// the same sections share structures across the split and flatter the validation score).
/// </summary>
public sealed record ValidationSplit
{
    private ValidationSplit(double fraction, IReadOnlySet<string>? volumes) => (ZFraction, Volumes) = (fraction, volumes);

    /// <summary>Fraction of the sections of each volume held out (the last ones).</summary>
    public double ZFraction { get; }

    /// <summary>Names of the volumes used only for validation.</summary>
    public IReadOnlySet<string>? Volumes { get; }

    public static ValidationSplit ByZ(double fraction) =>
        fraction is > 0 and < 1 ? new(fraction, null) : throw new ArgumentOutOfRangeException(nameof(fraction), "must be between 0 and 1");

    public static ValidationSplit ByVolume(IEnumerable<string> names) => new(0, names.ToHashSet());

    /// <summary>
    /// How many sections of a volume named <paramref name="name"/> with <paramref name="sections"/> sections are
    /// trained on: none when it is held out whole, all but its held-out last ones when split by z. <see cref="Apply"/>
    /// cuts by this count, and the window planner reads it from file headers before any volume is loaded.
    /// </summary>
    public int TrainingSections(string name, int sections) =>
        Volumes is not null ? (Volumes.Contains(name) ? 0 : sections)
        : sections < 2 ? sections
        : sections - Math.Clamp((int)Math.Round(sections * ZFraction), 1, sections - 1);

    public (IReadOnlyList<TrainingVolume> Train, IReadOnlyList<TrainingVolume> Validation) Apply(IReadOnlyList<TrainingVolume> volumes)
    {
        if (Volumes is not null)
        {
            var missing = Volumes.Where(n => volumes.All(v => v.Name != n)).ToList();
            if (missing.Count > 0) throw new ArgumentException($"validation volume(s) {string.Join(", ", missing)} are not among the inputs");
            var train = volumes.Where(v => !Volumes.Contains(v.Name)).ToList();
            if (train.Count == 0) throw new ArgumentException("every volume is held out for validation; nothing is left to train on");
            return (train, volumes.Where(v => Volumes.Contains(v.Name)).ToList());
        }
        var trainParts = new List<TrainingVolume>();
        var validationParts = new List<TrainingVolume>();
        foreach (var v in volumes)
        {
            if (v.Shape.Z < 2) throw new ArgumentException($"{v.Name}: one section cannot be split into training and validation by z; hold out whole files instead");
            var trained = TrainingSections(v.Name, v.Shape.Z);
            trainParts.Add(v.Sections(0, trained, ":train"));
            validationParts.Add(v.Sections(trained, v.Shape.Z, ":val"));
        }
        return (trainParts, validationParts);
    }
}
