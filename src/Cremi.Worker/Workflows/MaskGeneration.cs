using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Inference;

namespace Cremi.Worker.Workflows;

/// <summary>What one generation run is asked to do.</summary>
/// <param name="InPlaneGrid">The (y, x) size the network sees the volume at when its pixels differ from the model's
/// (<see cref="ResolutionMismatch.InPlaneGrid"/>); its scores are resampled back to the data's grid. Null: as stored.</param>
public sealed record GenerationRequest(string DataPath, string OutputPath, SlidingWindowOptions Windows, CleftLabelling Labelling,
    bool Naive, IReadOnlyDictionary<string, string> Provenance, (int Y, int X)? InPlaneGrid = null)
{
    /// <summary>The shape of the volume the network runs over.</summary>
    public Shape3 NetworkShape(Shape3 data) => InPlaneGrid is { } grid ? data with { Y = grid.Y, X = grid.X } : data;
}

/// <summary>What a generation run produced.</summary>
/// <param name="BlocksResumed">Blocks read back from a journal instead of predicted (0 for a fresh run).</param>
public sealed record GenerationResult(Shape3 Shape, long Windows, int Clefts, long CleftVoxels, double PredictSeconds, double TotalSeconds,
    int Blocks = 0, int BlocksResumed = 0);

/// <summary>
/// DATA.hdf + a network → MASK.hdf in the CREMI layout, in two stages.
/// 1. Scores, streamed: raw sections are read by hyperslab a slab (plus halo) at a time, preprocessed, predicted
///    (<see cref="SlidingWindowPredictor"/>, or <see cref="NaivePredictor"/> for the Python tool's way) and written as
///    uint8 to <c>volumes/predictions/clefts</c> as soon as no window can change them. Preprocessing runs per slab
///    with its halo: a spec's global statistics (the seed pipeline's final min/max) become per-slab ones. For the
///    seed pipeline this changes nothing in practice: its last per-section step is a histogram equalisation, which
///    stretches every non-flat section to 0..255, so the min/max of any slab is that of the volume.
/// 2. Ids: connected components need the whole mask, so the uint8 scores (1 byte per voxel) are kept in memory and
///    labelled by <see cref="CleftIdWriter"/> (also the block-wise assembly's). For a full CREMI sample
///    (195 M voxels) that is about 195 MB of scores, a few MB of runs and 2 × 100 MB of ids (the buffer and the
///    writer's chunk row), instead of a 1.56 GB id volume.
/// The file appears under its name only when complete (<see cref="CremiStreamWriter.Commit"/>). With a
/// <see cref="ScoreJournal"/>, stage 1 resumes after the last block an earlier run finished.
/// </summary>
public sealed class MaskGeneration(InferenceModel model, Learning.Inference.WindowModel windowModel)
{
    public long WindowCount(Shape3 shape, GenerationRequest request) => request.Naive
        ? new NaivePredictor(windowModel, request.Windows.Window).WindowCount(shape)
        : new SlidingWindowPredictor(windowModel, request.Windows).WindowCount(request.NetworkShape(shape));

    public int BlockCount(Shape3 shape, GenerationRequest request) => request.Naive
        ? new NaivePredictor(windowModel, request.Windows.Window).BlockCount(shape)
        : new SlidingWindowPredictor(windowModel, request.Windows).BlockCount(request.NetworkShape(shape));

    public GenerationResult Run(CremiFile data, GenerationRequest request, Action<int>? windowsDone = null,
        CancellationToken cancellationToken = default) =>
        Run(data, request, new GenerationHooks { WindowsDone = windowsDone }, cancellationToken);

    /// <summary>
    /// With a journal, blocks finished by an earlier run are read back instead of predicted (their scores go to the
    /// file and to the labelling exactly as if just computed), and every new block is journalled before the next
    /// starts, so a stop or a kill loses at most the block in flight.
    /// </summary>
    public GenerationResult Run(CremiFile data, GenerationRequest request, GenerationHooks hooks, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        data.Require(CremiDatasets.Raw);
        var shape = data.Shape;
        var section = shape.SectionSize;
        var preprocessing = PreprocessingSpec.Parse(model.Preprocessing);
        var blocks = BlockCount(shape, request);
        string? why = null;
        var resume = hooks.Journal?.Resume(section, out why);
        if (resume is not null && resume.Carry.NextBlock > blocks)
        {
            why = $"{hooks.Journal!.Folder} holds {resume.Carry.NextBlock} blocks, this run has {blocks}";
            hooks.Journal.Delete();
            resume = null;
        }
        hooks.Starting?.Invoke(resume?.Carry.NextBlock ?? 0, blocks, why);
        using var writer = CremiStreamWriter.Create(request.OutputPath, shape, data.Resolution, data.Offset, request.Provenance,
            CremiDatasets.Clefts | CremiDatasets.Predictions);
        var scores = new Volume<byte>(shape, data.Resolution, data.Offset);
        foreach (var saved in resume?.Slabs ?? [])
        {
            saved.Scores.CopyTo(scores.Data, saved.Z0 * section);
            writer.WritePredictions(saved.Z0, scores.Data.AsMemory(saved.Z0 * section, saved.Scores.Length));
        }
        var network = request.NetworkShape(shape);
        var resampled = network != shape;
        void Sink(int z0, ReadOnlySpan<float> sections)
        {
            if (resampled) sections = InPlaneResampling.Sections(sections, network.Y, network.X, shape.Y, shape.X);
            var target = scores.Data.AsMemory(z0 * section, sections.Length);
            CleftLabelling.Quantise(sections, target.Span);
            writer.WritePredictions(z0, target);
        }
        var finished = resume?.Carry.First ?? 0;
        void BlockDone(PredictionCarry carry)
        {
            var (index, z0) = (carry.NextBlock - 1, finished);
            hooks.Journal?.Record(index, z0, scores.Data.AsSpan(z0 * section, (carry.First - z0) * section), section, carry);
            finished = carry.First;
            hooks.BlockDone?.Invoke(new BlockDone(index, blocks, z0, carry.First, DateTimeOffset.UtcNow));
        }
        Volume<byte> Raw(int z0, int z1) => data.ReadRaw(z0, 0, 0, shape with { Z = z1 - z0 });

        if (request.Naive)
            new NaivePredictor(windowModel, request.Windows.Window).Run(shape,
                (z0, z1) => { var raw = Raw(z0, z1); return raw.With(Array.ConvertAll(raw.Data, b => (float)b)); },
                Sink, hooks.WindowsDone, cancellationToken, resume?.Carry, BlockDone);
        else
            new SlidingWindowPredictor(windowModel, request.Windows).Run(network,
                (z0, z1) => preprocessing.Apply(resampled ? InPlaneResampling.Resample(Raw(z0, z1), network.Y, network.X) : Raw(z0, z1)),
                Sink, hooks.WindowsDone, cancellationToken, resume?.Carry, BlockDone);
        var predictSeconds = clock.Elapsed.TotalSeconds;
        // The network is done: the tensor memory malloc kept for reuse while predicting (up to 1 GiB, see MallocTuning)
        // goes back before labelling allocates its own, so that the two peaks do not add up.
        Learning.Devices.MallocTuning.ReleaseFreeMemory();

        cancellationToken.ThrowIfCancellationRequested();
        var clefts = CleftIdWriter.Write(writer, scores, request.Labelling);
        writer.Commit();
        return new GenerationResult(shape, WindowCount(shape, request), clefts.Count, clefts.Voxels, predictSeconds, clock.Elapsed.TotalSeconds,
            blocks, resume?.Carry.NextBlock ?? 0);
    }
}
