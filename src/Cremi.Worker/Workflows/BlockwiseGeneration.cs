using System.Diagnostics;
using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Inference;

namespace Cremi.Worker.Workflows;

/// <summary>
/// A generation split into blocks that separate jobs (on any node) run: <see cref="Plan"/> splits the volume on the
/// global window grid, <see cref="Predict"/> makes one block's core scores, and <see cref="Assemble"/> joins the cores
/// into the mask. The assembled mask is the single run's (<see cref="MaskGeneration"/>): the cores hold the same
/// scores (see <see cref="BlockPredictor"/>), and the clefts are labelled over the whole volume by the same code
/// (<see cref="CleftIdWriter"/>), so a cleft crossing block borders has one id, numbered in the same scan order.
/// </summary>
public sealed class BlockwiseGeneration(InferenceModel model, WindowModel windowModel)
{
    /// <summary>The split for a volume of more than <paramref name="blockVoxels"/> voxels; null when it stays one run
    /// (small enough, the naive mode, which has a grid of its own, a volume resampled for the network, whose window
    /// grid is not the data's, or a grid too coarse to split).</summary>
    public static BlockPlan? Plan(Shape3 shape, GenerationRequest request, long blockVoxels)
    {
        if (request.Naive || request.InPlaneGrid is not null || shape.Count <= blockVoxels) return null;
        var windows = request.Windows.Validated();
        var blocks = BlockGrid.Split(shape, windows.Window, windows.Stride, blockVoxels);
        return blocks.Count < 2 ? null : new BlockPlan(shape, blocks);
    }

    /// <summary>One block's core scores; reads and preprocesses the same whole-section slabs as the single run.</summary>
    public BlockOutput Predict(CremiFile data, GenerationRequest request, GridBlock block, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        data.Require(CremiDatasets.Raw);
        var shape = data.Shape;
        var preprocessing = PreprocessingSpec.Parse(model.Preprocessing);
        var scores = new BlockPredictor(windowModel, request.Windows).Predict(shape, block,
            (z0, z1) => preprocessing.Apply(data.ReadRaw(z0, 0, 0, shape with { Z = z1 - z0 })), cancellationToken);
        return new BlockOutput(block, scores.Core, scores.Windows, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Writes the mask from the finished blocks: their cores into one uint8 volume (1 byte per voxel, as the single
    /// run keeps), predictions written from it, then ids over the whole volume. The result's windows and prediction
    /// seconds are the blocks' sums (halo windows are predicted by every block they touch).
    /// </summary>
    public static GenerationResult Assemble(CremiFile data, GenerationRequest request, BlockPlan plan, BlockFolder folder,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var shape = data.Shape;
        if (shape != plan.Volume)
            throw new InvalidDataException($"{data.Path}: shape {shape}, but {folder.Folder} was split for {plan.Volume}");
        var scores = new Volume<byte>(shape, data.Resolution, data.Offset);
        long windows = 0;
        double predictSeconds = 0;
        foreach (var block in plan.Blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = folder.Read(block);
            Place(output, shape, scores.Data);
            windows += output.Windows;
            predictSeconds += output.Seconds;
        }
        using var writer = CremiStreamWriter.Create(request.OutputPath, shape, data.Resolution, data.Offset, request.Provenance,
            CremiDatasets.Clefts | CremiDatasets.Predictions);
        for (var z0 = 0; z0 < shape.Z; z0 += CleftIdWriter.WriteSlab)
            writer.WritePredictions(z0, scores.Data.AsMemory(z0 * shape.SectionSize, Math.Min(CleftIdWriter.WriteSlab, shape.Z - z0) * shape.SectionSize));
        cancellationToken.ThrowIfCancellationRequested();
        var clefts = CleftIdWriter.Write(writer, scores, request.Labelling);
        writer.Commit();
        return new GenerationResult(shape, windows, clefts.Count, clefts.Voxels, predictSeconds, predictSeconds + clock.Elapsed.TotalSeconds,
            plan.Blocks.Count);
    }

    /// <summary>Copies a core into the volume, row by row.</summary>
    private static void Place(BlockOutput output, Shape3 shape, byte[] volume)
    {
        var c = output.Block.Core;
        for (var z = c.Z.Start; z < c.Z.End; z++)
        for (var y = c.Y.Start; y < c.Y.End; y++)
        {
            var from = ((z - c.Z.Start) * c.Y.Length + (y - c.Y.Start)) * c.X.Length;
            output.Core.AsSpan(from, c.X.Length).CopyTo(volume.AsSpan((z * shape.Y + y) * shape.X + c.X.Start, c.X.Length));
        }
    }
}
