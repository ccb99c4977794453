using Cremi.Hdf5;
using Cremi.Learning.Inference;
using Cremi.Worker.Commands;
using Cremi.Worker.Tests.Worker;
using Cremi.Worker.Workflows;
using Xunit.Abstractions;

namespace Cremi.Worker.Tests.Blocks;

/// <summary>A block-wise run, block by block in one process, against `cremi generate` on the whole volume.</summary>
public sealed class BlockwiseGenerationTests(WorkerFixture fixture, ITestOutputHelper output) : IClassFixture<WorkerFixture>
{
    [Theory]
    [InlineData(32)] // the default slab: the whole depth is one input slab
    [InlineData(12)] // slabs of two window z-starts: their per-slab preprocessing (minmax) differs, and a slab straddles core borders
    public void Assembled_blocks_equal_the_single_process_mask(int slab)
    {
        using var folder = new TempFolder();
        var data = folder.File("data.hdf");
        Assert.Equal(0, CliRun.Of("synth", data, "--shape", "24,64,64", "--seed", "4").ExitCode);
        // The fixture's model is barely trained (scores of a few /255): pick the threshold that makes the most clefts.
        var probe = folder.File("probe.hdf");
        Assert.Equal(0, CliRun.Of("generate", data, fixture.Model, "--out", probe, "--slab", $"{slab}").ExitCode);
        Cremi.Core.Volumes.Volume<byte> scores;
        using (var mask = CremiFile.Open(probe)) scores = mask.ReadPredictions();
        var level = Enumerable.Range(1, 254).MaxBy(l => new CleftLabelling((l - 0.5) / 255, MinSize: 3).Find(scores).Count);
        var threshold = (level - 0.5) / 255;
        var expected = folder.File("expected.hdf");
        var single = CliRun.Of("generate", data, fixture.Model, "--out", expected, "--slab", $"{slab}", "--threshold", $"{threshold:R}", "--min-size", "3");
        Assert.True(single.ExitCode == 0, single.Errors);

        var settings = new GenerateSettings { Data = data, Model = fixture.Model, Slab = slab, Threshold = threshold, MinSize = 3 };
        var assembled = folder.File("assembled.hdf");
        List<Box3> cores;
        using (var setup = GenerationSetup.Open(settings, assembled))
        {
            var plan = BlockwiseGeneration.Plan(setup.Data.Shape, setup.Request, setup.Data.Shape.Count / 8)!;
            Assert.InRange(plan.Blocks.Count, 8, 64);
            Assert.Contains(plan.Blocks, b => b.Core.Z.Start > 0); // split on z too, not only in plane
            var blocks = new BlockFolder(folder.File("grid"));
            blocks.Fix(plan);
            foreach (var block in plan.Blocks.Reverse()) // any order: each block stands alone
                blocks.Write(setup.Blocks.Predict(setup.Data, setup.Request, block, CancellationToken.None));
            var result = BlockwiseGeneration.Assemble(setup.Data, setup.Request, blocks.ReadPlan(), blocks, CancellationToken.None);
            output.WriteLine($"{plan.Blocks.Count} blocks, {result.Windows} windows predicted, {result.Clefts} clefts");
            cores = plan.Blocks.Select(b => b.Core).ToList();
        }

        using var want = CremiFile.Open(expected);
        using var got = CremiFile.Open(assembled);
        var (p, q) = (want.ReadPredictions().Data, got.ReadPredictions().Data);
        Assert.Equal(p.Length, q.Length);
        var worst = p.Zip(q, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 0, 1);
        var ids = want.ReadClefts().Data;
        Assert.True(ids.Distinct().Count() > 3, "too few clefts to compare; lower the threshold");
        Assert.Equal(ids, got.ReadClefts().Data); // same scan order over the whole volume: the same ids, not just the same voxels
        var shape = want.Shape;
        int CoreOf(long i) => cores.FindIndex(c => c.Z.Start <= i / shape.SectionSize && i / shape.SectionSize < c.Z.End
            && c.Y.Start <= i / shape.X % shape.Y && i / shape.X % shape.Y < c.Y.End && c.X.Start <= i % shape.X && i % shape.X < c.X.End);
        var crossing = Enumerable.Range(0, ids.Length).Where(i => ids[i] is not (0 or ulong.MaxValue)).GroupBy(i => ids[i])
            .Count(g => g.Select(i => CoreOf(i)).Distinct().Count() > 1);
        Assert.True(crossing > 0, "no cleft crosses a block border");
        output.WriteLine($"slab {slab}: largest probability difference {worst}/255, {ids.Distinct().Count() - 1} clefts equal, {crossing} across block borders");
    }
}
