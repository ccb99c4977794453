using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>
/// The Python tool's generation, reproduced for comparison (shared/SEED.md): stride = window (no overlap, no
/// blending), one window per forward pass, each window min/max-normalised on its own from the raw values (it skips
/// the training preprocessing), and only windows that fit entirely: the sections and in-plane borders that no full
/// window reaches keep score 0. A flat window (max = min) is fed as zeros where numpy would give NaN.
/// </summary>
public sealed class NaivePredictor(WindowModel model, Shape3 window)
{
    public long WindowCount(Shape3 volume) => (long)(volume.Z / window.Z) * (volume.Y / window.Y) * (volume.X / window.X);

    /// <summary>Blocks (z-rows of windows); rows never overlap, so a block's carry holds no sums.</summary>
    public int BlockCount(Shape3 volume) => volume.Z / window.Z;

    /// <summary>Streams one z-row of windows at a time; <paramref name="raw"/> gives raw intensities as floats.</summary>
    /// <param name="resume">Continue after a row finished by an earlier run (see <see cref="SlidingWindowPredictor.Run"/>).</param>
    public void Run(Shape3 volume, InputSource raw, ScoreSink sink, Action<int>? windowsDone = null, CancellationToken cancellationToken = default,
        PredictionCarry? resume = null, Action<PredictionCarry>? blockDone = null)
    {
        var n = (int)window.Count;
        var (input, scores) = (new float[n], new float[n]);
        var section = volume.SectionSize;
        var start = resume?.NextBlock ?? 0;
        if (start < 0 || start > BlockCount(volume) || (resume is not null && (resume.First != start * window.Z || resume.Sum.Length != 0)))
            throw new ArgumentException($"carry for row {start} at section {resume?.First} does not fit {BlockCount(volume)} rows of {volume}");
        var z0 = start * window.Z;
        for (; z0 + window.Z <= volume.Z; z0 += window.Z)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = raw(z0, z0 + window.Z);
            var output = new float[window.Z * section];
            foreach (var tile in WindowGrid.FullTilesOnly(block.Shape, window, window))
            {
                WindowExtractor.ExtractInto(block, tile, input);
                MinMax(input);
                model.Score(input, 1, window, tta: false, scores);
                for (var z = 0; z < window.Z; z++)
                for (var y = 0; y < window.Y; y++)
                    scores.AsSpan((z * window.Y + y) * window.X, window.X)
                        .CopyTo(output.AsSpan((z * volume.Y + tile.Y + y) * volume.X + tile.X));
                windowsDone?.Invoke(1);
            }
            sink(z0, output);
            blockDone?.Invoke(new PredictionCarry(z0 / window.Z + 1, z0 + window.Z, [], []));
        }
        if (z0 < volume.Z) sink(z0, new float[(volume.Z - z0) * section]); // the far partial row: never predicted
    }

    /// <summary>(v − min) / (max − min) in place, in float64 then rounded, as numpy on a float32 array would.</summary>
    internal static void MinMax(Span<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
        var range = max - min;
        for (var i = 0; i < values.Length; i++) values[i] = range > 0 ? (values[i] - min) / range : 0f;
    }
}
