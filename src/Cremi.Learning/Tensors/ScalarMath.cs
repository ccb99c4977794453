using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tensors;

/// <summary>
/// Tensor arithmetic with plain numbers that holds each number's native <see cref="Scalar"/> until libtorch has
/// used it, then disposes it. TorchSharp 0.107 turns a number in an expression (<c>2 * t</c>, <c>t + 1</c>,
/// <c>t.clamp(-1, 1)</c>, <c>t.eq(3)</c>) into a Scalar that nothing disposes: the GC finalizes it later, and since
/// the managed object is unreachable as soon as its handle is passed to native code, a collection started by another
/// thread (the batch prefetcher, the worker host) can free it while libtorch is still reading it. Training then
/// failed now and then with libtorch's "value cannot be converted to type float without overflow" in the soft Dice
/// loss (dotnet/TorchSharp PRs #1434 and #1496 are about these undisposed Scalars). Even <c>a + b</c> of two
/// tensors makes one: TorchSharp's add(Tensor) calls add(Tensor, alpha: 1) with an implicit Scalar. Use these in
/// every loop; <c>ScalarMathTests</c> runs the losses under a collector that never rests.
/// </summary>
public static class ScalarMath
{
    public static Tensor Times(Tensor t, double value)
    {
        using var s = value.ToScalar();
        return t.mul(s);
    }

    public static Tensor Plus(Tensor t, double value)
    {
        using var s = value.ToScalar();
        using var one = 1.ToScalar();
        return t.add(s, one);
    }

    /// <summary>a + b (element-wise, broadcasting).</summary>
    public static Tensor Sum(Tensor a, Tensor b)
    {
        using var one = 1.ToScalar();
        return a.add(b, one);
    }

    /// <summary>into += t, in place.</summary>
    public static void Accumulate(Tensor into, Tensor t)
    {
        using var one = 1.ToScalar();
        into.add_(t, one);
    }

    /// <summary>a − b (element-wise, broadcasting); TorchSharp's sub(Tensor) passes no Scalar, unlike add.</summary>
    public static Tensor Difference(Tensor a, Tensor b) => a.sub(b);

    /// <summary>t² as t·t: TorchSharp's square() is pow(2) with an implicit Scalar.</summary>
    public static Tensor Square(Tensor t) => t.mul(t);

    /// <summary><paramref name="value"/> − t.</summary>
    public static Tensor Minus(double value, Tensor t)
    {
        using var s = value.ToScalar();
        using var one = 1.ToScalar();
        using var negated = t.neg();
        return negated.add(s, one);
    }

    public static Tensor Clamp(Tensor t, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return t.clamp(lo, hi);
    }

    public static Tensor Equal(Tensor t, long value)
    {
        using var s = value.ToScalar();
        return t.eq(s);
    }

    public static Tensor NotEqual(Tensor t, long value)
    {
        using var s = value.ToScalar();
        return t.ne(s);
    }

    public static Tensor Greater(Tensor t, double value)
    {
        using var s = value.ToScalar();
        return t.gt(s);
    }

    /// <summary><paramref name="ifTrue"/> where the condition holds, else <paramref name="ifFalse"/> (float64).</summary>
    public static Tensor Where(Tensor condition, double ifTrue, double ifFalse)
    {
        // torch.where has no Scalar overload in TorchSharp: 0-dim tensors, disposed here rather than by a scope.
        using var a = tensor(ifTrue, device: condition.device);
        using var b = tensor(ifFalse, device: condition.device);
        return where(condition, a, b);
    }

    public static void Fill(Tensor t, double value)
    {
        using var s = value.ToScalar();
        t.fill_(s);
    }
}
