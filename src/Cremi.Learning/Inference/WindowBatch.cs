using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>
/// Windows gathered (with reflection at the borders) until a forward pass is worth making. The windows are copied out
/// when the batch is flushed, in parallel: the network, which uses every core, is idle meanwhile.
/// </summary>
internal sealed class WindowBatch(WindowModel model, Shape3 shape, int capacity, bool tta)
{
    private readonly float[] _input = new float[capacity * shape.Count];
    private readonly float[] _scores = new float[capacity * shape.Count];
    private readonly (Volume<float> Block, Window Local)[] _sources = new (Volume<float>, Window)[capacity];
    private readonly Window[] _targets = new Window[capacity];
    private int _count;

    public bool IsFull => _count == capacity;

    /// <summary>Takes <paramref name="local"/> of <paramref name="block"/> (copied at the flush); its scores will go to <paramref name="target"/> (absolute).</summary>
    public void Add(Volume<float> block, Window local, Window target)
    {
        _sources[_count] = (block, local);
        _targets[_count++] = target;
    }

    /// <summary>Runs the network on the gathered windows and adds their weighted scores; returns how many there were.</summary>
    public int Flush(ScoreAccumulator accumulator, float[] importance)
    {
        if (_count == 0) return 0;
        var n = (int)shape.Count;
        Parallel.For(0, _count, i => WindowExtractor.ExtractInto(_sources[i].Block, _sources[i].Local, _input.AsSpan(i * n, n)));
        Array.Clear(_sources, 0, _count); // the blocks are not ours to keep alive
        model.Score(_input, _count, shape, tta, _scores);
        for (var i = 0; i < _count; i++) accumulator.Add(_targets[i], _scores.AsSpan(i * n, n), importance);
        var done = _count;
        _count = 0;
        return done;
    }
}
