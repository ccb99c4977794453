using Cremi.Learning.Losses;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

/// <summary>The <c>--loss</c> syntax: terms, weights, the top-k share, and the messages for what it refuses.</summary>
public sealed class LossSpecTests
{
    [Theory]
    [InlineData("bce+dice", 1, 1, 0, 0, 10)]
    [InlineData("0.25*bce+0.75*dice", 0.25, 0.75, 0, 0, 10)]
    [InlineData("jaccard", 0, 0, 1, 0, 10)]
    [InlineData("topk+dice", 0, 1, 0, 1, 10)]
    [InlineData("dice+0.5*topk5", 0, 1, 0, 0.5, 5)]
    [InlineData("TopK2.5", 0, 0, 0, 1, 2.5)]
    [InlineData("topk5+0.5*topk5", 0, 0, 0, 1.5, 5)]
    public void Terms_weights_and_the_top_k_share_parse(string text, double bce, double dice, double iou, double topK, double percent)
    {
        var spec = LossSpec.Parse(text, posWeight: 5);
        Assert.Equal((bce, dice, iou, topK, percent, 5.0), (spec.Bce, spec.Dice, spec.Iou, spec.TopK, spec.TopKPercent, spec.PosWeight));
        Assert.Equal(spec, LossSpec.Parse(spec.ToString(), posWeight: 5)); // what is printed parses back
    }

    [Theory]
    [InlineData("focal", "unknown loss 'focal'")]
    [InlineData("topkx", "expected topk or topkPERCENT")]
    [InlineData("topk0", "top-k percent must be in (0, 100]")]
    [InlineData("topk150", "top-k percent must be in (0, 100]")]
    [InlineData("0*topk", "at least one loss weight must be positive")]
    [InlineData("topk5+topk10", "one share only")]
    [InlineData("a*b*dice", "is not a term")]
    public void Bad_terms_are_refused_with_what_is_wrong(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => LossSpec.Parse(text));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Top_k_of_every_voxel_is_the_plain_mean_and_at_least_one_voxel_counts()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { -3, -1, 0, 2, 4, 1 }).reshape(1, 1, 1, 2, 3);
        var target = tensor(new float[] { 0, 1, 0, 1, 0, 0 }).reshape(1, 1, 1, 2, 3);
        var all = SegmentationLosses.TopKBce(logits, target, 100, posWeight: 2).item<float>();
        Assert.Equal(SegmentationLosses.BceWithLogits(logits, target, 2).item<float>(), all, 6);
        // 1 % of six voxels rounds down to none: the hardest one (logit 4 on background, -log(1 - σ(4))) still counts.
        var one = SegmentationLosses.TopKBce(logits, target, 1).item<float>();
        Assert.Equal(4 + Math.Log(1 + Math.Exp(-4)), one, 5);
    }
}
