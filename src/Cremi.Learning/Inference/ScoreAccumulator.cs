using System.Numerics.Tensors;
using Cremi.Core.Sampling;

namespace Cremi.Learning.Inference;

/// <summary>
/// Weighted sums of window scores and of their weights for the sections not yet finished, z-sections allocated as
/// windows reach them and released as they finish: memory follows the windows in flight, never the volume's depth.
/// Scores are divided by the summed weights once, when a section is finished (nnU-Net's blending).
/// </summary>
internal sealed class ScoreAccumulator(int depth, int height, int width)
{
    private readonly List<(float[] Sum, float[] Weight)> _sections = [];
    private readonly Stack<(float[] Sum, float[] Weight)> _free = new();
    private int SectionSize => height * width;

    /// <summary>Absolute z of the first unfinished section.</summary>
    public int First { get; private set; }

    /// <summary>
    /// Adds one window's scores (window shape, C order) times the importance map; parts outside the volume are dropped.
    /// Row by row with SIMD; this is memory-bound (splitting the sections over both cores was no faster).
    /// </summary>
    public void Add(Window window, ReadOnlySpan<float> scores, ReadOnlySpan<float> importance)
    {
        var s = window.Shape;
        var zEnd = Math.Min(depth, window.Z + s.Z);
        if (window.Z < First) throw new InvalidOperationException($"section {window.Z} was already finished");
        while (First + _sections.Count < zEnd) _sections.Add(Rent());
        var x0 = Math.Max(0, -window.X);
        var x1 = Math.Min(s.X, width - window.X);
        if (x1 <= x0) return;
        for (var z = 0; z < zEnd - window.Z; z++)
        {
            var (sum, weight) = _sections[window.Z + z - First];
            for (var y = 0; y < s.Y; y++)
            {
                var ay = window.Y + y;
                if (ay < 0 || ay >= height) continue;
                var src = (z * s.Y + y) * s.X + x0;
                var dst = ay * width + window.X + x0;
                var n = x1 - x0;
                var g = importance.Slice(src, n);
                var total = sum.AsSpan(dst, n);
                TensorPrimitives.MultiplyAdd(scores.Slice(src, n), g, total, total);
                var weights = weight.AsSpan(dst, n);
                TensorPrimitives.Add(weights, g, weights);
            }
        }
    }

    /// <summary>Finishes sections [First, <paramref name="end"/>): sum / weight into <paramref name="destination"/> (C order).</summary>
    public void Finish(int end, Span<float> destination)
    {
        var count = end - First;
        if (destination.Length != count * SectionSize)
            throw new ArgumentException($"{destination.Length} values for {count} sections of {SectionSize}");
        while (First + _sections.Count < end) _sections.Add(Rent()); // sections no window touched (cannot happen on a Cover grid)
        for (var k = 0; k < count; k++)
        {
            var (sum, weight) = _sections[k];
            var target = destination.Slice(k * SectionSize, SectionSize);
            for (var i = 0; i < target.Length; i++) target[i] = weight[i] > 0 ? sum[i] / weight[i] : 0f;
            _free.Push(_sections[k]);
        }
        _sections.RemoveRange(0, count);
        First = end;
    }

    /// <summary>The unfinished sections as they stand (copies), to continue from after <paramref name="nextBlock"/> − 1.</summary>
    public PredictionCarry Carry(int nextBlock)
    {
        var sum = new float[_sections.Count * SectionSize];
        var weight = new float[sum.Length];
        for (var k = 0; k < _sections.Count; k++)
        {
            _sections[k].Sum.CopyTo(sum, k * SectionSize);
            _sections[k].Weight.CopyTo(weight, k * SectionSize);
        }
        return new PredictionCarry(nextBlock, First, sum, weight);
    }

    /// <summary>Puts back the state a <see cref="Carry"/> took; only before any window was added.</summary>
    public void Restore(PredictionCarry carry)
    {
        if (First != 0 || _sections.Count != 0) throw new InvalidOperationException("a carry is restored into a fresh accumulator only");
        carry.Validated(SectionSize);
        First = carry.First;
        for (var k = 0; k < carry.Sections(SectionSize); k++)
        {
            var section = Rent();
            carry.Sum.AsSpan(k * SectionSize, SectionSize).CopyTo(section.Sum);
            carry.Weight.AsSpan(k * SectionSize, SectionSize).CopyTo(section.Weight);
            _sections.Add(section);
        }
    }

    private (float[] Sum, float[] Weight) Rent()
    {
        if (!_free.TryPop(out var pair)) return (new float[SectionSize], new float[SectionSize]);
        Array.Clear(pair.Sum);
        Array.Clear(pair.Weight);
        return pair;
    }
}
