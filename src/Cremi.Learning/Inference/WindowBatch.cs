using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>Windows gathered (with reflection at the borders) until a forward pass is worth making.</summary>
internal sealed class WindowBatch(WindowModel model, Shape3 shape, int capacity, bool tta)
{
    private readonly float[] _input = new float[capacity * shape.Count];
    private readonly float[] _scores = new float[capacity * shape.Count];
    private readonly Window[] _targets = new Window[capacity];
    private int _count;

    public bool IsFull => _count == capacity;

    /// <summary>Copies <paramref name="local"/> of <paramref name="block"/>; its scores will go to <paramref name="target"/> (absolute).</summary>
    public void Add(Volume<float> block, Window local, Window target)
    {
        var n = (int)shape.Count;
        WindowExtractor.ExtractInto(block, local, _input.AsSpan(_count * n, n));
        _targets[_count++] = target;
    }

    /// <summary>Runs the network on the gathered windows and adds their weighted scores; returns how many there were.</summary>
    public int Flush(ScoreAccumulator accumulator, float[] importance)
    {
        if (_count == 0) return 0;
        var n = (int)shape.Count;
        model.Score(_input, _count, shape, tta, _scores);
        for (var i = 0; i < _count; i++) accumulator.Add(_targets[i], _scores.AsSpan(i * n, n), importance);
        var done = _count;
        _count = 0;
        return done;
    }
}
