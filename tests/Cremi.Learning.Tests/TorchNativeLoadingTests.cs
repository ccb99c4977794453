using Cremi.Learning.Devices;
using Cremi.Learning.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class TorchNativeLoadingTests
{
    [Fact]
    public void A_3D_convolution_runs_forward_and_backward_on_the_chosen_device()
    {
        var device = ComputeDevice.Resolve();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var conv = nn.Conv3d(1, 4, kernel_size: 3, padding: 1).to(device);
        var input = randn(new long[] { 2, 1, 8, 16, 16 }, device: device);
        var output = conv.forward(input);
        Assert.Equal(new long[] { 2, 4, 8, 16, 16 }, output.shape);

        ScalarMath.Square(output).mean().backward();

        var grad = conv.weight!.grad;
        Assert.NotNull(grad);
        Assert.Equal(new long[] { 4, 1, 3, 3, 3 }, grad.shape);
        Assert.True(grad.abs().sum().item<float>() > 0, "gradient must flow into the conv weights");
    }

    [Fact]
    public void A_conv3d_matches_a_hand_computed_sum_of_a_constant_kernel()
    {
        using var scope = NewDisposeScope();
        var conv = nn.Conv3d(1, 1, kernel_size: 3, padding: 1, bias: false);
        using (no_grad()) conv.weight!.fill_(1.0);
        var output = conv.forward(ones(new long[] { 1, 1, 3, 3, 3 }));
        // The centre voxel sees all 27 ones; a corner sees the 8 inside the volume.
        Assert.Equal(27f, output[0, 0, 1, 1, 1].item<float>());
        Assert.Equal(8f, output[0, 0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Asking_for_cuda_without_it_is_a_clear_error()
    {
        if (cuda.is_available()) return; // on a GPU host the request is valid
        var error = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Resolve("cuda"));
        Assert.Contains("CUDA is not available", error.Message);
    }
}
