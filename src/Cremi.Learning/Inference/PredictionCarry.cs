namespace Cremi.Learning.Inference;

/// <summary>
/// What a streamed prediction needs to go on after a finished block exactly as if it had never stopped: the index
/// of the next block, the first section not finished yet, and the weighted score sums and weights of the unfinished
/// sections that earlier windows already reached (section after section, C order). Restoring these floats as they
/// were, rather than recomputing the overlapping windows, keeps the summation order and so the result bit for bit.
/// </summary>
public sealed record PredictionCarry(int NextBlock, int First, float[] Sum, float[] Weight)
{
    /// <summary>The state before the first block.</summary>
    public static PredictionCarry Start { get; } = new(0, 0, [], []);

    /// <summary>Sections held in <see cref="Sum"/> and <see cref="Weight"/>.</summary>
    public int Sections(int sectionSize) => sectionSize == 0 ? 0 : Sum.Length / sectionSize;

    /// <summary>Throws unless the arrays hold whole sections and agree in length.</summary>
    public PredictionCarry Validated(int sectionSize)
    {
        if (NextBlock < 0 || First < 0) throw new ArgumentException($"carry: next block {NextBlock} and first section {First} must be 0 or more");
        if (Sum.Length != Weight.Length || (sectionSize > 0 && Sum.Length % sectionSize != 0))
            throw new ArgumentException($"carry: {Sum.Length} sums and {Weight.Length} weights are not whole sections of {sectionSize}");
        return this;
    }
}
