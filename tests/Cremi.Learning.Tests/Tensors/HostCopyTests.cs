using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Tensors;

public sealed class HostCopyTests
{
    [Fact]
    public void Values_go_in_and_out_in_c_order_whatever_the_layout()
    {
        var values = Enumerable.Range(0, 2 * 3 * 2 * 4 * 5).Select(i => i * 0.5f).ToArray();
        using var t = HostCopy.ToTensor(values, [2, 3, 2, 4, 5]);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(values, t.data<float>().ToArray()); // TorchSharp's own (slow) accessor as the reference
        Assert.Equal(7.5f, t[0, 0, 0, 3, 0].item<float>());

        using var channelsLast = ChannelsLast.Of(t);
        Assert.True(ChannelsLast.IsChannelsLast(channelsLast));
        var back = new float[values.Length];
        HostCopy.CopyTo(channelsLast, back.AsSpan());
        Assert.Equal(values, back);

        using var transposed = t.transpose(3, 4);
        var reordered = new float[values.Length];
        HostCopy.CopyTo(transposed, reordered.AsSpan());
        Assert.Equal(transposed.contiguous().data<float>().ToArray(), reordered);
    }

    [Fact]
    public void Bytes_and_booleans_copy_too()
    {
        byte[] classes = [0, 1, 2, 1, 0, 2];
        using var t = HostCopy.ToTensor(classes, [1, 1, 1, 2, 3]);
        Assert.Equal(ScalarType.Byte, t.dtype);
        using var isOne = ScalarMath.Equal(t, 1);
        var flags = new bool[6];
        HostCopy.CopyTo(isOne, flags.AsSpan());
        Assert.Equal([false, true, false, true, false, false], flags);
    }

    [Fact]
    public void Too_few_values_are_refused() =>
        Assert.Throws<ArgumentException>(() => HostCopy.ToTensor(new float[5], [2, 3]));
}
