using Cremi.Learning.Models;
using Cremi.Learning.Training;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Training;

/// <summary>A fresh network starts at the cleft prior (~5 %), not at p = 0.5 (see OutputPrior).</summary>
public sealed class OutputPriorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fresh_network_predicts_about_the_prior_fraction(bool seedArch)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var spec = seedArch ? ModelSpec.Seed(2) : ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1);
        using var model = spec.Build();
        OutputPrior.Apply(model, TargetKind.Binary);
        model.eval();
        using var _ = no_grad();
        var output = model.forward(rand(new long[] { 1, 1, 16, 32, 32 }));
        var probability = (spec.OutputsLogits ? output.sigmoid() : output).mean().item<float>();
        // The last layer's weights add a little spread around the bias; the mean stays near the prior.
        Assert.InRange(probability, 0.02, 0.12);
    }

    [Fact]
    public void Distance_targets_start_near_minus_one_and_binary_at_the_logit_of_the_prior()
    {
        Assert.Equal(Math.Log(0.05 / 0.95), OutputPrior.Bias(TargetKind.Binary), 12);
        Assert.InRange(OutputPrior.Bias(TargetKind.Distance), -1, -0.5);
    }
}
