using System.Globalization;

namespace Cremi.Learning.Losses;

/// <summary>
/// Weights of the combined segmentation loss: Bce·BCE(posWeight) + Dice·SoftDice + Iou·SoftIoU.
/// <see cref="Smooth"/> is the ε of Dice and IoU.
/// </summary>
public sealed record LossSpec(double Bce = 1.0, double Dice = 1.0, double Iou = 0.0, double PosWeight = 1.0, double Smooth = 1.0)
{
    /// <summary>The Python tool's weights (0.25·BCE + 0.75·Dice + 0·IoU), here with soft, differentiable Dice.</summary>
    public static LossSpec SeedTool { get; } = new(0.25, 0.75, 0.0);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("bce", Bce), ("dice", Dice), ("iou", Iou) })
            if (!(value >= 0) || double.IsInfinity(value)) problems.Add($"{name} weight must be finite and >= 0 (got {value})");
        if (Bce + Dice + Iou <= 0) problems.Add("at least one loss weight must be positive");
        if (!(PosWeight > 0) || double.IsInfinity(PosWeight)) problems.Add($"pos weight must be finite and > 0 (got {PosWeight})");
        if (!(Smooth >= 0) || double.IsInfinity(Smooth)) problems.Add($"smooth must be finite and >= 0 (got {Smooth})");
        return problems;
    }

    /// <summary>
    /// Parses "bce", "dice", "iou", "bce+dice" or weighted terms such as "0.25*bce+0.75*dice" (weights default to 1).
    /// </summary>
    public static LossSpec Parse(string text, double posWeight = 1.0, double smooth = 1.0)
    {
        double bce = 0, dice = 0, iou = 0;
        foreach (var term in text.Split('+', StringSplitOptions.TrimEntries))
        {
            var parts = term.Split('*', StringSplitOptions.TrimEntries);
            var weight = 1.0;
            if (parts.Length > 2 || (parts.Length == 2 && !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out weight)))
                throw new FormatException($"'{term}' in loss '{text}' is not a term: expected NAME or WEIGHT*NAME with NAME bce|dice|iou");
            switch (parts[^1].ToLowerInvariant())
            {
                case "bce": bce += weight; break;
                case "dice": dice += weight; break;
                case "iou": case "jaccard": iou += weight; break;
                default: throw new FormatException($"unknown loss '{parts[^1]}' in '{text}': expected bce, dice or iou");
            }
        }
        var spec = new LossSpec(bce, dice, iou, posWeight, smooth);
        var problems = spec.Problems();
        if (problems.Count > 0) throw new FormatException($"loss '{text}': {string.Join("; ", problems)}");
        return spec;
    }

    public override string ToString() =>
        string.Join("+", new[] { (Bce, "bce"), (Dice, "dice"), (Iou, "iou") }.Where(t => t.Item1 > 0)
            .Select(t => t.Item1 == 1 ? t.Item2 : $"{t.Item1.ToString(CultureInfo.InvariantCulture)}*{t.Item2}"));
}
