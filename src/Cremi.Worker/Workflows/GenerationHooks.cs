using Cremi.Learning.Inference;

namespace Cremi.Worker.Workflows;

/// <summary>What a caller of <see cref="MaskGeneration.Run(Cremi.Hdf5.CremiFile, GenerationRequest, GenerationHooks, CancellationToken)"/>
/// may watch or keep: progress in windows, each finished block, and a journal to resume from.</summary>
public sealed record GenerationHooks
{
    /// <summary>Windows predicted since the last call.</summary>
    public Action<int>? WindowsDone { get; init; }

    /// <summary>After each block's scores are final (and journalled, when there is a journal).</summary>
    public Action<BlockDone>? BlockDone { get; init; }

    /// <summary>Where finished blocks are kept; with one, a run resumes after the last block an earlier run finished.</summary>
    public ScoreJournal? Journal { get; init; }

    /// <summary>Told where the run starts: (blocks taken from the journal, blocks in all, why a journal was discarded).</summary>
    public Action<int, int, string?>? Starting { get; init; }
}

/// <summary>Block <see cref="Index"/> of <see cref="Count"/> finished sections [Z0, Z1) at <see cref="At"/>.</summary>
public sealed record BlockDone(int Index, int Count, int Z0, int Z1, DateTimeOffset At);
