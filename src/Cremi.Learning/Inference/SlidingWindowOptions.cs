using Cremi.Core.Volumes;

namespace Cremi.Learning.Inference;

/// <summary>How windows cover a volume and how their scores are combined.</summary>
public sealed record SlidingWindowOptions
{
    /// <summary>Window (z, y, x); its sides must fit the network's pooling.</summary>
    public required Shape3 Window { get; init; }

    /// <summary>Fraction of a window shared with its neighbour per axis (0.5: stride = window/2, as nnU-Net).</summary>
    public double Overlap { get; init; } = 0.5;

    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Test-time augmentation: the mean score over all 8 combinations of flips on z, y and x.</summary>
    public bool Tta { get; init; }

    /// <summary>Gaussian importance weights (true) or a flat average (false).</summary>
    public bool Gaussian { get; init; } = true;

    /// <summary>
    /// Input sections read and preprocessed at a time (at least the window's z-size): the streaming unit. Memory is
    /// that of about two such slabs of floats, whatever the volume's depth.
    /// </summary>
    public int SlabDepth { get; init; } = 32;

    /// <summary>Target stride per axis: window × (1 − overlap), at least 1.</summary>
    public Shape3 Stride => new(Step(Window.Z), Step(Window.Y), Step(Window.X));

    private int Step(int side) => Math.Max(1, (int)Math.Round(side * (1 - Overlap)));

    public SlidingWindowOptions Validated()
    {
        if (Window.IsEmpty) throw new ArgumentException($"window {Window} is empty");
        if (Overlap is < 0 or >= 1 || double.IsNaN(Overlap)) throw new ArgumentException($"overlap must be in [0, 1) (got {Overlap})");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1 (got {BatchSize})");
        if (SlabDepth < 1) throw new ArgumentException($"slab depth must be at least 1 (got {SlabDepth})");
        return this;
    }
}
