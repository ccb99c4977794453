using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// An ordered list of preprocessing steps from a raw uint8 volume to the float volume a model reads, written as a
/// short string such as <c>seed</c> or <c>clahe:2:8,minmax</c> (see <see cref="Parse"/>). A model stores this string,
/// and inference parses it back to feed the model what it was trained on.
/// Rules: at least one step; uint8 steps come before any float step; the last step yields floats.
/// </summary>
public sealed class PreprocessingSpec : IEquatable<PreprocessingSpec>
{
    public PreprocessingSpec(IEnumerable<PreprocessingStep> steps)
    {
        Steps = [.. steps];
        if (Problem(Steps) is { } problem) throw new ArgumentException(problem, nameof(steps));
    }

    public PreprocessingSpec(params PreprocessingStep[] steps) : this((IEnumerable<PreprocessingStep>)steps) { }

    /// <summary>The seed tool's training preprocessing.</summary>
    public static PreprocessingSpec Seed { get; } = new(new SeedStep());

    public IReadOnlyList<PreprocessingStep> Steps { get; }

    /// <summary>Reads the form <see cref="ToString"/> writes; throws <see cref="FormatException"/> naming the bad part.</summary>
    public static PreprocessingSpec Parse(string text) => PreprocessingSpecParser.Parse(text);

    public static bool TryParse(string text, out PreprocessingSpec? spec)
    {
        try
        {
            spec = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            spec = null;
            return false;
        }
    }

    /// <summary>Runs the steps in order on a raw volume.</summary>
    public Volume<float> Apply(Volume<byte> raw)
    {
        var bytes = raw;
        Volume<float>? floats = null;
        foreach (var step in Steps)
        {
            switch (step)
            {
                case SeedStep: floats = SeedPreprocessing.Apply(bytes); break;
                case EqualizeHistStep: bytes = HistogramEqualization.Apply(bytes); break;
                case ClaheStep c: bytes = Clahe.Apply(bytes, c.ClipLimit, c.TilesX, c.TilesY); break;
                case GaussianBlurStep b: bytes = GaussianBlur.Apply(bytes, b.KernelSize, b.Sigma); break;
                case AdaptiveGaussianThresholdStep t: bytes = AdaptiveThreshold.Apply(bytes, 255, t.BlockSize, t.C, t.Inverse); break;
                case MinMaxStep m: floats = floats is null ? Normalization.MinMax(bytes, m.PerSection) : Normalization.MinMax(floats, m.PerSection); break;
                case RobustStep: floats = RobustNormalization.Apply(bytes); break;
                case MeanStdStep: floats = floats is null ? Normalization.MeanStd(bytes) : Normalization.MeanStd(floats); break;
                default: throw new NotSupportedException($"no implementation for preprocessing step {step}");
            }
        }
        // The constructor guarantees the last step produced floats.
        return floats!;
    }

    public override string ToString() => string.Join(",", Steps);

    public bool Equals(PreprocessingSpec? other) => other is not null && Steps.SequenceEqual(other.Steps);

    public override bool Equals(object? obj) => Equals(obj as PreprocessingSpec);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Why these steps do not form a pipeline, or null when they do.</summary>
    internal static string? Problem(IReadOnlyList<PreprocessingStep> steps)
    {
        if (steps.Count == 0) return "a preprocessing pipeline needs at least one step";
        var isFloat = false;
        foreach (var step in steps)
        {
            if (step is null) return "a preprocessing step is null";
            if (isFloat && step.NeedsBytes) return $"'{step}' needs uint8 input but comes after a step that produced floats";
            isFloat |= step.ProducesFloat;
        }
        return isFloat ? null : $"'{steps[^1]}' leaves uint8 values: end the pipeline with seed, robust, minmax or meanstd";
    }
}
