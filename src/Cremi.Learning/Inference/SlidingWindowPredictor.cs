using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>
/// nnU-Net-style sliding-window prediction, streamed along z. Windows lie on the global grid of
/// <see cref="WindowGrid.Cover"/> (evenly spread steps, the last window at the border, reflection where the volume is
/// thinner than the window); several windows go through the network per forward pass; each window's scores are
/// weighted by the Gaussian importance map, summed, and divided once by the summed weights.
/// <para>Streaming: windows are taken by z-start in groups whose z-extent fits <see cref="SlidingWindowOptions.SlabDepth"/>;
/// each group reads its input sections (the slab plus what the windows overhang: the halo), and once the next group
/// starts past a section, no later window can touch it, so it is finished and handed to the sink. Because the grid is
/// the global one, the result is the same for every slab depth (given an input that does not depend on the slab).</para>
/// </summary>
public sealed class SlidingWindowPredictor
{
    private readonly WindowModel _model;
    private readonly SlidingWindowOptions _options;
    private readonly float[] _importance;

    public SlidingWindowPredictor(WindowModel model, SlidingWindowOptions options)
    {
        _model = model;
        _options = options.Validated();
        _importance = options.Gaussian ? GaussianImportance.Map(options.Window) : GaussianImportance.Constant(options.Window);
    }

    /// <summary>Number of windows (and forward-pass items, before TTA) for a volume: for progress bars.</summary>
    public long WindowCount(Shape3 volume) => WindowCount(volume, _options);

    /// <summary>Number of windows for a volume under <paramref name="options"/>, without a model.</summary>
    public static long WindowCount(Shape3 volume, SlidingWindowOptions options)
    {
        var (w, s) = (options.Window, options.Stride);
        return (long)WindowGrid.Starts(volume.Z, w.Z, s.Z).Length * WindowGrid.Starts(volume.Y, w.Y, s.Y).Length
               * WindowGrid.Starts(volume.X, w.X, s.X).Length;
    }

    /// <summary>Scores of a volume held in memory (one block; small volumes and tests).</summary>
    public Volume<float> Predict(Volume<float> input)
    {
        var output = new Volume<float>(input.Shape, input.Resolution, input.Offset);
        var section = input.Shape.SectionSize;
        Run(input.Shape, (z0, z1) => z0 == 0 && z1 == input.Shape.Z ? input : input.Crop(z0, 0, 0, input.Shape with { Z = z1 - z0 }),
            (z0, sections) => sections.CopyTo(output.Data.AsSpan(z0 * section)));
        return output;
    }

    /// <summary>Blocks (groups of window z-starts streamed together) for a volume: the unit of resumption.</summary>
    public int BlockCount(Shape3 volume) => Groups(volume).Count;

    /// <summary>Streams the scores of a volume of <paramref name="volume"/> voxels from <paramref name="input"/> to <paramref name="sink"/>.</summary>
    /// <param name="resume">Continue after a block finished by an earlier run (its <paramref name="blockDone"/> carry); the
    /// sink then receives only the sections from <see cref="PredictionCarry.First"/> on.</param>
    /// <param name="blockDone">Called after each block's finished sections went to the sink, with the state to resume from.</param>
    /// <param name="cancellationToken">Checked before every forward pass: a stop loses at most the unfinished block.</param>
    public void Run(Shape3 volume, InputSource input, ScoreSink sink, Action<int>? windowsDone = null, CancellationToken cancellationToken = default,
        PredictionCarry? resume = null, Action<PredictionCarry>? blockDone = null)
    {
        var (w, stride) = (_options.Window, _options.Stride);
        var zs = WindowGrid.Starts(volume.Z, w.Z, stride.Z);
        var ys = WindowGrid.Starts(volume.Y, w.Y, stride.Y);
        var xs = WindowGrid.Starts(volume.X, w.X, stride.X);
        var groups = Groups(volume);
        var accumulator = new ScoreAccumulator(volume.Z, volume.Y, volume.X);
        var start = 0;
        if (resume is { NextBlock: > 0 })
        {
            if (resume.NextBlock > groups.Count || resume.First != End(groups[resume.NextBlock - 1].Last))
                throw new ArgumentException($"carry for block {resume.NextBlock} at section {resume.First} does not fit {groups.Count} blocks of {volume}");
            accumulator.Restore(resume);
            start = resume.NextBlock;
        }
        var batch = new WindowBatch(_model, w, _options.BatchSize, _options.Tta);
        // (not windowsDone?.Invoke(Flush(...)): a null-conditional call would skip evaluating the flush itself)
        void Report(int done) => windowsDone?.Invoke(done);
        for (var b = start; b < groups.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (first, last) = groups[b];
            var (z0, z1) = (zs[first], Math.Min(volume.Z, zs[last] + w.Z));
            var block = input(z0, z1);
            if (block.Shape != volume with { Z = z1 - z0 })
                throw new InvalidOperationException($"input for sections {z0}..{z1} is {block.Shape}, expected {volume with { Z = z1 - z0 }}");
            for (var k = first; k <= last; k++)
            foreach (var y in ys)
            foreach (var x in xs)
            {
                var window = new Window(zs[k], y, x, w);
                batch.Add(block, window with { Z = zs[k] - z0 }, window);
                if (!batch.IsFull) continue;
                cancellationToken.ThrowIfCancellationRequested();
                Report(batch.Flush(accumulator, _importance));
            }
            Report(batch.Flush(accumulator, _importance));
            var end = End(last);
            var finished = new float[(end - accumulator.First) * volume.SectionSize];
            var from = accumulator.First;
            accumulator.Finish(end, finished);
            sink(from, finished);
            blockDone?.Invoke(accumulator.Carry(b + 1));
        }

        // A section is finished once the next group starts past it (no later window reaches back), or at the end.
        int End(int last) => last + 1 < zs.Length ? zs[last + 1] : volume.Z;
    }

    /// <summary>Window z-start indices [First, Last] of each block: as many z-starts as fit the slab depth. Each group
    /// reads (and preprocesses) its own input slab; <see cref="BlockPredictor"/> reads the same slabs to see the same input.</summary>
    internal List<(int First, int Last)> Groups(Shape3 volume)
    {
        var w = _options.Window;
        var zs = WindowGrid.Starts(volume.Z, w.Z, _options.Stride.Z);
        var slab = Math.Max(_options.SlabDepth, w.Z);
        var groups = new List<(int, int)>();
        for (var first = 0; first < zs.Length;)
        {
            var last = first;
            while (last + 1 < zs.Length && zs[last + 1] + w.Z - zs[first] <= slab) last++;
            groups.Add((first, last));
            first = last + 1;
        }
        return groups;
    }
}
