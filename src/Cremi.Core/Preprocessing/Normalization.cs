using System.Numerics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// Intensity normalisations to float, computed in double and rounded once to float (as numpy's float64 maths then
/// <c>astype(float32)</c>). A range or spread of zero (a flat section or volume) gives all zeros rather than NaN.
/// NaN inputs are the caller's to avoid (uint8 volumes cannot hold them).
/// </summary>
public static class Normalization
{
    /// <summary>(x - min) / (max - min) into [0, 1], over the whole volume or each z-section on its own.</summary>
    public static Volume<float> MinMax<T>(Volume<T> volume, bool perSection = false) where T : unmanaged, INumber<T>
    {
        var result = new float[volume.Shape.Count];
        if (!perSection)
        {
            MinMaxInto<T>(volume.Data, result);
            return volume.With(result);
        }
        var size = volume.Shape.SectionSize;
        var data = volume.Data;
        Parallel.For(0, volume.Shape.Z, z => MinMaxInto<T>(data.AsSpan(z * size, size), result.AsSpan(z * size, size)));
        return volume.With(result);
    }

    /// <summary>(x - mean) / std over the whole volume, std with ddof 0 as numpy's default.</summary>
    public static Volume<float> MeanStd<T>(Volume<T> volume) where T : unmanaged, INumber<T>
    {
        var data = volume.Data;
        var sum = 0.0;
        foreach (var v in data) sum += double.CreateTruncating(v);
        var mean = sum / data.LongLength;
        var squares = 0.0;
        foreach (var v in data)
        {
            var d = double.CreateTruncating(v) - mean;
            squares += d * d;
        }
        var std = Math.Sqrt(squares / data.LongLength);
        var result = new float[data.LongLength];
        if (std > 0)
            for (long i = 0; i < data.LongLength; i++) result[i] = (float)((double.CreateTruncating(data[i]) - mean) / std);
        return volume.With(result);
    }

    private static void MinMaxInto<T>(ReadOnlySpan<T> source, Span<float> destination) where T : unmanaged, INumber<T>
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in source)
        {
            var d = double.CreateTruncating(v);
            if (d < min) min = d;
            if (d > max) max = d;
        }
        var range = max - min;
        if (!(range > 0))
        {
            destination.Clear();
            return;
        }
        for (var i = 0; i < source.Length; i++) destination[i] = (float)((double.CreateTruncating(source[i]) - min) / range);
    }
}
