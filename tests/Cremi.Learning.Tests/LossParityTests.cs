using Cremi.Learning.Losses;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

/// <summary>Values and gradients against PyTorch 1.13 on the same tensors (Fixtures/make_fixtures.py).</summary>
public sealed class LossParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;
    private const double GradientTolerance = 1e-7;

    public static TheoryData<string> Cases => ["bce_logits", "bce_probs", "dice", "dice_probs", "iou", "combined", "balanced_mse", "balanced_mse_rare", "topk_logits", "topk_probs"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_loss_matches_pytorch_in_value_and_gradient(string name)
    {
        using var scope = NewDisposeScope();
        var (input, loss) = Setup(name);
        var x = input.detach().requires_grad_(true);
        var value = loss(x);
        value.backward();

        var expectedValue = Npy.Load(name + "_value").item<float>();
        var expectedGrad = Npy.Load(name + "_grad");
        var valueError = Math.Abs(value.item<float>() - expectedValue);
        var gradError = (x.grad! - expectedGrad).abs().max().item<float>();
        output.WriteLine($"{name}: |value diff| {valueError:G3}, max |grad diff| {gradError:G3}");
        Assert.True(valueError < Tolerance, $"{name}: value {value.item<float>()} vs pytorch {expectedValue} (|diff| {valueError:G3})");
        Assert.True(gradError < GradientTolerance, $"{name}: max |grad diff| {gradError:G3}");
    }

    private static (Tensor Input, Func<Tensor, Tensor> Loss) Setup(string name)
    {
        var logits = Npy.Load("loss_logits");
        var target = Npy.Load("loss_target");
        var prediction = Npy.Load("mse_prediction");
        const double pw = 3.0;
        return name switch
        {
            "bce_logits" => (logits, x => SegmentationLosses.BceWithLogits(x, target, pw)),
            "bce_probs" => (logits.sigmoid(), p => SegmentationLosses.BceOnProbabilities(p, target, pw)),
            "dice" => (logits, x => SegmentationLosses.SoftDice(x.sigmoid(), target)),
            "dice_probs" => (logits.sigmoid(), p => SegmentationLosses.SoftDice(p, target)),
            "iou" => (logits, x => SegmentationLosses.SoftIou(x.sigmoid(), target)),
            "combined" => (logits, x => new CombinedLoss(new LossSpec(0.5, 0.3, 0.2, pw)).Compute(x, target).Total),
            "topk_logits" => (logits, x => SegmentationLosses.TopKBce(x, target, 10, pw)),
            "topk_probs" => (logits.sigmoid(), p => SegmentationLosses.TopKBce(p, target, 25, pw, onLogits: false)),
            "balanced_mse" => (prediction, x => BalancedMse.Compute(x, Npy.Load("mse_target"))),
            "balanced_mse_rare" => (prediction, x => BalancedMse.Compute(x, Npy.Load("mse_target_rare"))),
            _ => throw new ArgumentException(name),
        };
    }
}
