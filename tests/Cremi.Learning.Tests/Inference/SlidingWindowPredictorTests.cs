using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using Cremi.Learning.Training;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Inference;

public sealed class SlidingWindowPredictorTests
{
    private static Volume<float> RandomVolume(Shape3 shape, int seed)
    {
        var random = new Random(seed);
        var v = new Volume<float>(shape, VoxelSize.Cremi);
        for (var i = 0; i < v.Data.Length; i++) v.Data[i] = (float)random.NextDouble();
        return v;
    }

    private static SlidingWindowPredictor Predictor(nn.Module<Tensor, Tensor> module, SlidingWindowOptions options) =>
        new(new WindowModel(module, outputsLogits: false, TargetKind.Binary, CPU), options);

    [Theory]
    [InlineData(0.5, 3)]
    [InlineData(0.25, 1)]
    [InlineData(0.0, 4)]
    public void Blending_a_constant_score_gives_that_constant_everywhere_including_the_borders(double overlap, int batch)
    {
        using var model = new ConstantModel(0.3f);
        var predictor = Predictor(model, new SlidingWindowOptions { Window = new Shape3(4, 8, 8), Overlap = overlap, BatchSize = batch });
        var scores = predictor.Predict(RandomVolume(new Shape3(7, 19, 13), 1));
        Assert.All(scores.Data, v => Assert.Equal(0.3f, v, 5));
    }

    [Fact]
    public void A_volume_thinner_than_the_window_is_filled_by_reflection_and_fully_predicted()
    {
        using var model = new ConstantModel(0.7f);
        var predictor = Predictor(model, new SlidingWindowOptions { Window = new Shape3(8, 16, 16) });
        var scores = predictor.Predict(RandomVolume(new Shape3(3, 10, 20), 2));
        Assert.All(scores.Data, v => Assert.Equal(0.7f, v, 5));
    }

    [Fact]
    public void With_a_one_voxel_receptive_field_sliding_windows_equal_one_whole_volume_forward()
    {
        using var model = new PointwiseModel();
        var input = RandomVolume(new Shape3(9, 20, 22), 3);
        var scores = Predictor(model, new SlidingWindowOptions { Window = new Shape3(4, 8, 8), BatchSize = 3 }).Predict(input);

        using var noGrad = no_grad();
        using var whole = model.forward(tensor(input.Data, [1, 1, 9, 20, 22]));
        var expected = whole.data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], scores.Data[i], 1e-6f); // sum·w/w: float round-off only
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void Streamed_scores_do_not_depend_on_the_slab_depth(int slab)
    {
        using var model = new PointwiseModel();
        var input = RandomVolume(new Shape3(13, 12, 12), 4);
        var options = new SlidingWindowOptions { Window = new Shape3(4, 8, 8), BatchSize = 2 };
        var inMemory = Predictor(model, options with { SlabDepth = 1000 }).Predict(input);

        var streamed = new float[input.Data.Length];
        var reads = new List<(int, int)>();
        var nextZ = 0;
        Predictor(model, options with { SlabDepth = slab }).Run(input.Shape,
            (z0, z1) => { reads.Add((z0, z1)); return input.Crop(z0, 0, 0, input.Shape with { Z = z1 - z0 }); },
            (z0, sections) => { Assert.Equal(nextZ, z0); sections.CopyTo(streamed.AsSpan(z0 * 144)); nextZ = z0 + sections.Length / 144; });

        Assert.Equal(13, nextZ);
        Assert.All(reads, r => Assert.True(r.Item2 - r.Item1 <= Math.Max(slab, 4), $"read {r}"));
        Assert.Equal(inMemory.Data, streamed);
    }

    [Fact]
    public void Test_time_augmentation_of_a_flip_invariant_model_changes_nothing()
    {
        using var model = new PointwiseModel();
        var input = RandomVolume(new Shape3(5, 12, 12), 5);
        var options = new SlidingWindowOptions { Window = new Shape3(4, 8, 8) };
        var plain = Predictor(model, options).Predict(input);
        var tta = Predictor(model, options with { Tta = true }).Predict(input);
        for (var i = 0; i < plain.Data.Length; i++) Assert.Equal(plain.Data[i], tta.Data[i], 1e-6f);
    }
}
