using Cremi.Learning.Tensors;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// Starts a fresh network's output at the prior instead of at "don't know" (RetinaNet's prior initialisation, Lin et
/// al. 2017). Clefts are a few per cent of the voxels even in rejection-sampled windows: a network that starts at
/// p = 0.5 everywhere spends its first hundreds of steps unlearning that, and the soft Dice term, whose gradient then
/// points at every voxel at once, stalls it (a PyTorch reference on our data: output bias 0 stalled for 114 steps,
/// bias -3 trained at once). Distance targets are tanh(d / 50 nm), about -1 away from clefts.
/// </summary>
public static class OutputPrior
{
    /// <summary>Cleft fraction assumed at the start of training.</summary>
    public const double CleftFraction = 0.05;

    /// <summary>The last layer's bias for a target kind: logit(0.05) ≈ -2.94 for probabilities, -0.9 for tanh distances.</summary>
    public static double Bias(TargetKind target) =>
        target == TargetKind.Distance ? -0.9 : Math.Log(CleftFraction / (1 - CleftFraction));

    /// <summary>Sets the bias of the output layer (<c>head.bias</c> of ours, <c>outc.bias</c> of the seed network).</summary>
    public static void Apply(nn.Module model, TargetKind target)
    {
        var bias = model.named_parameters().FirstOrDefault(p => p.name is "head.bias" or "outc.bias").parameter
            ?? throw new ArgumentException("the model has no head.bias or outc.bias", nameof(model));
        using var _ = no_grad();
        ScalarMath.Fill(bias, Bias(target));
    }
}
