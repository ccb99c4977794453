using System.Globalization;

namespace Cremi.Learning.Losses;

/// <summary>
/// Weights of the combined segmentation loss: Bce·BCE(posWeight) + Dice·SoftDice + Iou·SoftIoU
/// + TopK·(BCE(posWeight) over the hardest <see cref="TopKPercent"/> % of voxels).
/// <see cref="Smooth"/> is the ε of Dice and IoU.
/// </summary>
public sealed record LossSpec(double Bce = 1.0, double Dice = 1.0, double Iou = 0.0, double PosWeight = 1.0, double Smooth = 1.0)
{
    /// <summary>Weight of the top-k BCE term (<see cref="SegmentationLosses.TopKBce"/>); 0 leaves it out.</summary>
    public double TopK { get; init; }

    /// <summary>The share of voxels (percent, the hardest ones) the top-k BCE term averages.</summary>
    public double TopKPercent { get; init; } = 10;

    /// <summary>The Python tool's weights (0.25·BCE + 0.75·Dice + 0·IoU), here with soft, differentiable Dice.</summary>
    public static LossSpec SeedTool { get; } = new(0.25, 0.75, 0.0);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("bce", Bce), ("dice", Dice), ("iou", Iou), ("topk", TopK) })
            if (!(value >= 0) || double.IsInfinity(value)) problems.Add($"{name} weight must be finite and >= 0 (got {value})");
        if (Bce + Dice + Iou + TopK <= 0) problems.Add("at least one loss weight must be positive");
        if (!(TopKPercent > 0 && TopKPercent <= 100)) problems.Add($"top-k percent must be in (0, 100] (got {TopKPercent})");
        if (!(PosWeight > 0) || double.IsInfinity(PosWeight)) problems.Add($"pos weight must be finite and > 0 (got {PosWeight})");
        if (!(Smooth >= 0) || double.IsInfinity(Smooth)) problems.Add($"smooth must be finite and >= 0 (got {Smooth})");
        return problems;
    }

    /// <summary>
    /// Parses "bce", "dice", "iou", "topk" (BCE over the hardest 10 % of voxels; "topk5" for 5 %), "bce+dice" or
    /// weighted terms such as "0.25*bce+0.75*dice" (weights default to 1).
    /// </summary>
    public static LossSpec Parse(string text, double posWeight = 1.0, double smooth = 1.0)
    {
        double bce = 0, dice = 0, iou = 0, topK = 0, topKPercent = 10;
        foreach (var term in text.Split('+', StringSplitOptions.TrimEntries))
        {
            var parts = term.Split('*', StringSplitOptions.TrimEntries);
            var weight = 1.0;
            if (parts.Length > 2 || (parts.Length == 2 && !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out weight)))
                throw new FormatException($"'{term}' in loss '{text}' is not a term: expected NAME or WEIGHT*NAME with NAME bce|dice|iou|topk");
            var name = parts[^1].ToLowerInvariant();
            if (name.StartsWith("topk", StringComparison.Ordinal))
            {
                var percent = 10.0;
                if (name.Length > 4 && !double.TryParse(name[4..], NumberStyles.Float, CultureInfo.InvariantCulture, out percent))
                    throw new FormatException($"'{parts[^1]}' in loss '{text}': expected topk or topkPERCENT, e.g. topk10");
                if (topK > 0 && percent != topKPercent)
                    throw new FormatException($"loss '{text}' has top-k terms of {topKPercent} % and {percent} %: one share only");
                topK += weight;
                topKPercent = percent;
                continue;
            }
            switch (name)
            {
                case "bce": bce += weight; break;
                case "dice": dice += weight; break;
                case "iou": case "jaccard": iou += weight; break;
                default: throw new FormatException($"unknown loss '{parts[^1]}' in '{text}': expected bce, dice, iou or topk");
            }
        }
        var spec = new LossSpec(bce, dice, iou, posWeight, smooth) { TopK = topK, TopKPercent = topKPercent };
        var problems = spec.Problems();
        if (problems.Count > 0) throw new FormatException($"loss '{text}': {string.Join("; ", problems)}");
        return spec;
    }

    public override string ToString() =>
        string.Join("+", new[] { (Bce, "bce"), (Dice, "dice"), (Iou, "iou"), (TopK, "topk" + TopKPercent.ToString(CultureInfo.InvariantCulture)) }.Where(t => t.Item1 > 0)
            .Select(t => t.Item1 == 1 ? t.Item2 : $"{t.Item1.ToString(CultureInfo.InvariantCulture)}*{t.Item2}"));
}
