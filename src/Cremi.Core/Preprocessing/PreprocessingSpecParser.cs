using System.Globalization;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// Reads <see cref="PreprocessingSpec"/> strings: steps separated by ',', a step's arguments by ':', names
/// case-insensitive, numbers in invariant culture (a '.' decimal point whatever the machine's locale).
/// Every error is a <see cref="FormatException"/> quoting the step and saying what was expected.
/// </summary>
internal static class PreprocessingSpecParser
{
    private const string Grammar =
        "seed | equalize | clahe:CLIP:TILES[xTILES] | blur:KSIZE:SIGMA | athresh:BLOCK:C[:inv] | minmax[:section] | meanstd | robust";

    public static PreprocessingSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException($"empty preprocessing: expected steps separated by ',' ({Grammar})");
        var steps = text.Split(',', StringSplitOptions.TrimEntries).Select(ParseStep).ToList();
        if (PreprocessingSpec.Problem(steps) is { } problem)
            throw new FormatException($"preprocessing '{text}': {problem}");
        return new PreprocessingSpec(steps);
    }

    private static PreprocessingStep ParseStep(string token)
    {
        var parts = token.Split(':', StringSplitOptions.TrimEntries);
        var name = parts[0].ToLowerInvariant();
        return name switch
        {
            "seed" => Arity(token, parts, 0, 0, new SeedStep()),
            "equalize" => Arity(token, parts, 0, 0, new EqualizeHistStep()),
            "meanstd" => Arity(token, parts, 0, 0, new MeanStdStep()),
            "robust" => Arity(token, parts, 0, 0, new RobustStep()),
            "minmax" => Arity(token, parts, 0, 1, new MinMaxStep(PerSection: parts.Length == 2 && Keyword(token, parts[1], "section"))),
            "clahe" => Arity(token, parts, 2, 2, Clahe(token, parts)),
            "blur" => Arity(token, parts, 2, 2, Blur(token, parts)),
            "athresh" => Arity(token, parts, 2, 3, Threshold(token, parts)),
            "" => throw new FormatException($"empty preprocessing step (a stray ','?); expected {Grammar}"),
            _ => throw new FormatException($"unknown preprocessing step '{token}'; expected {Grammar}"),
        };
    }

    private static PreprocessingStep Arity(string token, string[] parts, int min, int max, PreprocessingStep step)
    {
        var count = parts.Length - 1;
        if (count < min || count > max)
            throw new FormatException($"preprocessing step '{token}' takes {(min == max ? $"{min}" : $"{min} to {max}")} " +
                                      $"argument(s), got {count}; expected {Grammar}");
        return step;
    }

    private static ClaheStep Clahe(string token, string[] parts)
    {
        if (parts.Length != 3) return new ClaheStep(0, 1, 1); // Arity reports the count
        var clip = Real(token, parts[1], "clip limit");
        var tiles = parts[2].Split('x', 'X');
        if (tiles.Length > 2)
            throw new FormatException($"preprocessing step '{token}': tile grid '{parts[2]}' must be N or NxM");
        var tilesX = Positive(token, tiles[0], "tile count");
        var tilesY = tiles.Length == 2 ? Positive(token, tiles[1], "tile count") : tilesX;
        return new ClaheStep(clip, tilesX, tilesY);
    }

    private static GaussianBlurStep Blur(string token, string[] parts)
    {
        if (parts.Length != 3) return new GaussianBlurStep(1, 0);
        return new GaussianBlurStep(OddSize(token, parts[1], "kernel size", 1), Real(token, parts[2], "sigma"));
    }

    private static AdaptiveGaussianThresholdStep Threshold(string token, string[] parts)
    {
        if (parts.Length is < 3 or > 4) return new AdaptiveGaussianThresholdStep(3, 0);
        var inverse = parts.Length == 4 && Keyword(token, parts[3], "inv");
        return new AdaptiveGaussianThresholdStep(OddSize(token, parts[1], "block size", 3), Real(token, parts[2], "C"), inverse);
    }

    private static bool Keyword(string token, string text, string keyword) =>
        string.Equals(text, keyword, StringComparison.OrdinalIgnoreCase)
            ? true
            : throw new FormatException($"preprocessing step '{token}': expected '{keyword}', got '{text}'");

    private static double Real(string token, string text, string what) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"preprocessing step '{token}': {what} '{text}' is not a finite number");

    private static int Positive(string token, string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FormatException($"preprocessing step '{token}': {what} '{text}' is not a positive integer");

    private static int OddSize(string token, string text, string what, int min) =>
        Positive(token, text, what) is var value && value % 2 == 1 && value >= min
            ? value
            : throw new FormatException($"preprocessing step '{token}': {what} '{text}' must be odd and at least {min}");
}
