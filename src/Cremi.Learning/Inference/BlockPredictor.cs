using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>A block's core scores (p × 255, C order over the core) and the windows predicted for them.</summary>
public sealed record BlockScores(byte[] Core, long Windows);

/// <summary>
/// The scores of one <see cref="GridBlock"/>'s core, equal to those the whole-volume <see cref="SlidingWindowPredictor"/>
/// gives the same voxels. Three things make them equal: the block predicts exactly the global grid's windows that touch
/// its core (so every core voxel is blended from the same windows with the same weights); windows are added in the
/// single run's order (z-start, y, x), so each voxel's weighted sum is summed in the same order; and each window reads
/// its input from the same slab the single run preprocessed for it: the slab of its z-group
/// (<see cref="SlidingWindowPredictor.Groups"/>), whole sections, because preprocessing works on whole sections and on
/// per-slab statistics. Only the network's batches differ (other windows share a forward pass), which leaves the
/// per-window scores unchanged up to float round-off.
/// </summary>
public sealed class BlockPredictor(WindowModel model, SlidingWindowOptions options)
{
    private readonly SlidingWindowOptions _options = options.Validated();
    private readonly float[] _importance = options.Gaussian ? GaussianImportance.Map(options.Window) : GaussianImportance.Constant(options.Window);

    /// <param name="input">Preprocessed whole sections [z0, z1) of the volume (asked for exactly the single run's slabs).</param>
    public BlockScores Predict(Shape3 volume, GridBlock block, InputSource input, CancellationToken cancellationToken = default)
    {
        var (w, stride) = (_options.Window, _options.Stride);
        var zs = WindowGrid.Starts(volume.Z, w.Z, stride.Z);
        var ys = WindowGrid.Starts(volume.Y, w.Y, stride.Y);
        var xs = WindowGrid.Starts(volume.X, w.X, stride.X);
        var (halo, core) = (block.Halo, block.Core);
        var accumulator = new ScoreAccumulator(halo.Z.Length, halo.Y.Length, halo.X.Length);
        var batch = new WindowBatch(model, w, _options.BatchSize, _options.Tta);
        var scores = new byte[core.Count];
        long windows = 0;
        foreach (var (first, last) in new SlidingWindowPredictor(model, _options).Groups(volume))
        {
            var (from, to) = (Math.Max(first, block.WindowsZ.Start), Math.Min(last, block.WindowsZ.End - 1));
            if (from > to) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var (z0, z1) = (zs[first], Math.Min(volume.Z, zs[last] + w.Z));
            var slab = input(z0, z1);
            if (slab.Shape != volume with { Z = z1 - z0 })
                throw new InvalidOperationException($"input for sections {z0}..{z1} is {slab.Shape}, expected {volume with { Z = z1 - z0 }}");
            for (var k = from; k <= to; k++)
            for (var j = block.WindowsY.Start; j < block.WindowsY.End; j++)
            for (var i = block.WindowsX.Start; i < block.WindowsX.End; i++)
            {
                var local = new Window(zs[k] - halo.Z.Start, ys[j] - halo.Y.Start, xs[i] - halo.X.Start, w);
                batch.Add(slab, new Window(zs[k] - z0, ys[j], xs[i], w), local);
                if (!batch.IsFull) continue;
                cancellationToken.ThrowIfCancellationRequested();
                windows += batch.Flush(accumulator, _importance);
            }
            windows += batch.Flush(accumulator, _importance);
            // Sections before this block's next window start get no more windows: finished.
            var end = to + 1 < block.WindowsZ.End ? zs[to + 1] : halo.Z.End;
            var start = halo.Z.Start + accumulator.First;
            var finished = new float[(end - start) * halo.Y.Length * halo.X.Length];
            accumulator.Finish(end - halo.Z.Start, finished);
            KeepCore(finished, start, end, halo, core, scores);
        }
        return new BlockScores(scores, windows);
    }

    /// <summary>Quantises the core's part of finished halo sections [z0, z1) into the core's bytes.</summary>
    private static void KeepCore(float[] sections, int z0, int z1, Box3 halo, Box3 core, byte[] scores)
    {
        var (haloHeight, haloWidth) = (halo.Y.Length, halo.X.Length);
        for (var z = Math.Max(z0, core.Z.Start); z < Math.Min(z1, core.Z.End); z++)
        for (var y = core.Y.Start; y < core.Y.End; y++)
        {
            var from = ((z - z0) * haloHeight + (y - halo.Y.Start)) * haloWidth + (core.X.Start - halo.X.Start);
            var to = ((z - core.Z.Start) * core.Y.Length + (y - core.Y.Start)) * core.X.Length;
            CleftLabelling.Quantise(sections.AsSpan(from, core.X.Length), scores.AsSpan(to, core.X.Length));
        }
    }
}
