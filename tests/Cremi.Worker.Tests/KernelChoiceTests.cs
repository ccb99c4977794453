using Cremi.Worker.Cli;

namespace Cremi.Worker.Tests;

/// <summary>Only verbs that never train may lift the oneDNN kernel cap (its fast kernels' gradients are wrong).</summary>
public sealed class KernelChoiceTests
{
    [Theory]
    [InlineData(true, "generate", "d.hdf", "m.cremi")]
    [InlineData(true, "test", "d.hdf", "m.cremi")]
    [InlineData(true, "bench", "infer")]
    [InlineData(false, "bench", "train")]
    [InlineData(false, "bench")]
    [InlineData(false, "train", "d.hdf")]
    [InlineData(false, "demo")]
    [InlineData(false, "worker")]
    [InlineData(false)]
    public void Inference_only_verbs_are_recognised(bool expected, params string[] args) =>
        Assert.Equal(expected, KernelChoice.IsInferenceOnly(args));
}
