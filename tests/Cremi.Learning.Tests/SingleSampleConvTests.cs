using Cremi.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class SingleSampleConvTests
{
    [Fact]
    public void The_grouped_form_is_taken_exactly_where_libtorch_would_leave_oneDNN()
    {
        using var scope = NewDisposeScope();
        var top = empty(new long[] { 1, 8, 16, 128, 128 });
        var inPlane = empty(new long[] { 8, 8, 1, 3, 3 });
        Assert.True(SingleSampleConv.Applies(top, inPlane)); // 8·16·128 = 16,384 ≤ 20,480: the default network's top level
        Assert.True(SingleSampleConv.Applies(empty(new long[] { 1, 64, 8, 16, 16 }), empty(new long[] { 64, 64, 3, 3, 3 })));
        Assert.False(SingleSampleConv.Applies(empty(new long[] { 1, 1024, 2, 4, 4 }), empty(new long[] { 1024, 1024, 3, 3, 3 }))); // small map
        Assert.False(SingleSampleConv.Applies(empty(new long[] { 2, 8, 16, 128, 128 }), inPlane)); // two samples: oneDNN already
        Assert.False(SingleSampleConv.Applies(empty(new long[] { 1, 16, 16, 128, 128 }), empty(new long[] { 16, 16, 1, 3, 3 }))); // 32,768
        Assert.False(SingleSampleConv.Applies(top, empty(new long[] { 8, 8, 1, 1, 1 })));  // 1×1×1: libtorch's choice kept
        Assert.False(SingleSampleConv.Applies(empty(new long[] { 1, 1, 16, 128, 128 }), empty(new long[] { 8, 1, 1, 3, 3 }))); // one channel in
        Assert.False(SingleSampleConv.Applies(top, empty(new long[] { 7, 8, 1, 3, 3 })));  // odd output channels
        Assert.False(SingleSampleConv.Applies(top, empty(new long[] { 8, 8, 1, 5, 5 })));  // wide kernels go to oneDNN anyway
        Assert.False(SingleSampleConv.Applies(top.to(float64), inPlane.to(float64)));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Values_and_gradients_equal_the_plain_convolution(bool channelsLast, bool withBias)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var input = randn(new long[] { 1, 6, 5, 16, 16 }); // 1,280 voxels
        if (channelsLast) input = ChannelsLast.Of(input);
        var weight = randn(new long[] { 4, 6, 3, 3, 3 });
        var bias = withBias ? randn(4) : null;
        long[] padding = [1, 1, 1];
        Assert.True(SingleSampleConv.Applies(input, weight));

        var (plain, plainGrads) = Run((x, w, b) => nn.functional.conv3d(x, w, b, padding: padding), input, weight, bias);
        var (grouped, groupedGrads) = Run((x, w, b) => SingleSampleConv.Conv3d(x, w, b, padding), input, weight, bias);

        Assert.Equal(plain.shape, grouped.shape);
        AssertClose(grouped, plain, "output");
        for (var i = 0; i < plainGrads.Length; i++) AssertClose(groupedGrads[i], plainGrads[i], $"gradient {i}");
    }

    /// <summary>Equal up to float rounding of sums in another order: 1e-5 of the largest magnitude.</summary>
    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        var difference = (actual - expected).abs().max().item<float>();
        var scale = expected.abs().max().item<float>();
        Assert.True(scale > 0, $"{what} is all zero");
        Assert.True(difference <= 1e-5 * scale, $"{what}: max difference {difference} at a largest magnitude of {scale}");
    }

    [Fact]
    public void A_window_alone_gets_the_logits_and_gradients_it_gets_in_a_batch_of_two()
    {
        // A batch of one takes the grouped form on every level, a batch of two libtorch's own oneDNN path; group norm is
        // per sample, so the first window's logits and its share of the weight gradient must agree.
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var net = ModelSpec.Unet(filters: 4, depth: 3).Build();
        // The top level's second convolution (4→4, 1×3×3 on 8×32×32) must take the grouped form, or this test says nothing.
        Assert.True(SingleSampleConv.Applies(empty(new long[] { 1, 4, 8, 32, 32 }), empty(new long[] { 4, 4, 1, 3, 3 })));
        var pair = randn(new long[] { 2, 1, 8, 32, 32 });
        var target = (rand(new long[] { 2, 1, 8, 32, 32 }) > 0.9).to(float32);
        var alone = net.forward(pair.narrow(0, 0, 1));
        var inBatch = net.forward(pair);
        Assert.True(allclose(alone, inBatch.narrow(0, 0, 1), rtol: 1e-4, atol: 1e-4),
            $"max difference {(alone - inBatch.narrow(0, 0, 1)).abs().max().item<float>()}");

        var parameters = net.parameters().ToArray();
        Tensor[] Gradients(Tensor logits, Tensor t)
        {
            net.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(logits, t, reduction: nn.Reduction.Sum).backward();
            return [.. parameters.Select(p => p.grad!.clone())];
        }
        var gradAlone = Gradients(alone, target.narrow(0, 0, 1));
        var second = net.forward(pair.narrow(0, 1, 1));
        var gradSecond = Gradients(second, target.narrow(0, 1, 1));
        var gradPair = Gradients(net.forward(pair), target);
        for (var i = 0; i < parameters.Length; i++)
        {
            var sum = gradAlone[i] + gradSecond[i];
            Assert.True(allclose(sum, gradPair[i], rtol: 1e-3, atol: 1e-3),
                $"parameter {i}: max difference {(sum - gradPair[i]).abs().max().item<float>()}");
        }
    }

    private static (Tensor Output, Tensor[] Gradients) Run(Func<Tensor, Tensor, Tensor?, Tensor> conv, Tensor input, Tensor weight, Tensor? bias)
    {
        var x = input.detach().requires_grad_(true);
        var w = weight.detach().requires_grad_(true);
        var b = bias?.detach().requires_grad_(true);
        var y = conv(x, w, b);
        (y * y).sum().backward(); // a non-uniform output gradient
        Tensor[] grads = b is null ? [x.grad!, w.grad!] : [x.grad!, w.grad!, b.grad!];
        return (y.detach(), grads);
    }
}
