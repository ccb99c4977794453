using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using Cremi.Learning.Training;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Inference;

/// <summary>A stopped prediction continues from a block's carry and gives exactly the scores of a run that never stopped.</summary>
public sealed class SlidingWindowResumeTests
{
    private static readonly Shape3 Volume = new(13, 12, 12);
    private static readonly SlidingWindowOptions Options = new() { Window = new Shape3(4, 8, 8), BatchSize = 3, SlabDepth = 4 };

    [Fact]
    public void Resuming_after_any_block_gives_the_same_bits_as_an_uninterrupted_run()
    {
        using var model = new PaddedConvModel();
        var predictor = Predictor(model);
        var input = RandomVolume(Volume, 7);
        var (expected, carries) = RunAll(predictor, input);
        Assert.Equal(predictor.BlockCount(Volume), carries.Count);
        Assert.True(carries.Count >= 4, $"{carries.Count} blocks");

        foreach (var carry in carries.SkipLast(1))
        {
            var resumed = (float[])expected.Clone();
            Array.Clear(resumed, carry.First * Volume.SectionSize, resumed.Length - carry.First * Volume.SectionSize);
            var blocks = 0;
            predictor.Run(Volume, Source(input), (z0, s) =>
            {
                Assert.True(z0 >= carry.First, $"section {z0} was finished before block {carry.NextBlock}");
                s.CopyTo(resumed.AsSpan(z0 * Volume.SectionSize));
            }, resume: carry, blockDone: _ => blocks++);
            Assert.Equal(carries.Count - carry.NextBlock, blocks);
            Assert.Equal(expected, resumed);
        }
    }

    [Fact]
    public void The_carry_matters_dropping_its_sums_changes_the_overlapping_sections()
    {
        using var model = new PaddedConvModel();
        var predictor = Predictor(model);
        var input = RandomVolume(Volume, 8);
        var (expected, carries) = RunAll(predictor, input);
        var carry = carries[0];
        Assert.True(carry.Sum.Length > 0, "the first block leaves sections that later windows overlap");

        var resumed = (float[])expected.Clone();
        predictor.Run(Volume, Source(input), (z0, s) => s.CopyTo(resumed.AsSpan(z0 * Volume.SectionSize)),
            resume: carry with { Sum = new float[carry.Sum.Length], Weight = new float[carry.Weight.Length] });
        Assert.NotEqual(expected, resumed);
    }

    [Fact]
    public void A_carry_that_does_not_fit_the_volume_is_refused()
    {
        using var model = new PaddedConvModel();
        var predictor = Predictor(model);
        var input = RandomVolume(Volume, 9);
        var (_, carries) = RunAll(predictor, input);
        Assert.Throws<ArgumentException>(() => predictor.Run(Volume, Source(input), (_, _) => { }, resume: carries[1] with { First = carries[1].First + 1 }));
        Assert.Throws<ArgumentException>(() => predictor.Run(Volume, Source(input), (_, _) => { }, resume: carries[0] with { NextBlock = 99 }));
    }

    [Fact]
    public void A_cancelled_run_stops_before_the_next_block_with_the_earlier_ones_reported()
    {
        using var model = new PaddedConvModel();
        var predictor = Predictor(model);
        using var stop = new CancellationTokenSource();
        var done = new List<int>();
        Assert.Throws<OperationCanceledException>(() => predictor.Run(Volume, Source(RandomVolume(Volume, 10)), (_, _) => { },
            cancellationToken: stop.Token, blockDone: c => { done.Add(c.NextBlock); if (c.NextBlock == 2) stop.Cancel(); }));
        Assert.Equal([1, 2], done);
    }

    private static (float[] Scores, List<PredictionCarry> Carries) RunAll(SlidingWindowPredictor predictor, Volume<float> input)
    {
        var scores = new float[input.Data.Length];
        var carries = new List<PredictionCarry>();
        predictor.Run(Volume, Source(input), (z0, s) => s.CopyTo(scores.AsSpan(z0 * Volume.SectionSize)), blockDone: carries.Add);
        return (scores, carries);
    }

    private static InputSource Source(Volume<float> input) => (z0, z1) => input.Crop(z0, 0, 0, input.Shape with { Z = z1 - z0 });

    private static SlidingWindowPredictor Predictor(nn.Module<Tensor, Tensor> module) =>
        new(new WindowModel(module, outputsLogits: false, TargetKind.Binary, CPU), Options);

    private static Volume<float> RandomVolume(Shape3 shape, int seed)
    {
        var random = new Random(seed);
        var v = new Volume<float>(shape, VoxelSize.Cremi);
        for (var i = 0; i < v.Data.Length; i++) v.Data[i] = (float)random.NextDouble();
        return v;
    }
}

/// <summary>A 3×3×3 convolution with zero padding: a voxel's score depends on where it sits in its window, so
/// overlapping windows disagree and the blended result depends on every window's contribution.</summary>
internal sealed class PaddedConvModel : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv3d conv;

    public PaddedConvModel() : base(nameof(PaddedConvModel))
    {
        using (var generator = new Generator(5)) // deterministic weights, whatever other tests did to the global seed
        {
            conv = nn.Conv3d(1, 1, 3, padding: 1);
            using (no_grad())
            {
                conv.weight!.copy_(rand(conv.weight.shape, generator: generator) - 0.3);
                conv.bias!.fill_(-0.5);
            }
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => conv.forward(input).sigmoid();
}
