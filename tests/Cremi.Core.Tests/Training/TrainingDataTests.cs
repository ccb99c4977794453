using Cremi.Core.Augmentation;
using Cremi.Core.Training;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Training;

public sealed class TrainingDataTests
{
    /// <summary>A volume whose image value is its flat index and with one small cleft blob.</summary>
    private static TrainingVolume Volume(string name, Shape3 shape)
    {
        var image = new Volume<float>(shape, Enumerable.Range(0, (int)shape.Count).Select(i => (float)i).ToArray(), VoxelSize.Cremi);
        var classes = new Volume<byte>(shape, VoxelSize.Cremi);
        for (var y = shape.Y / 2; y < shape.Y / 2 + 3; y++) for (var x = shape.X / 2 - 5; x < shape.X / 2 + 5; x++) classes[shape.Z / 2, y, x] = VoxelClass.Cleft;
        return new TrainingVolume(name, image, classes);
    }

    [Fact]
    public void A_z_split_holds_out_the_last_sections_and_shares_no_voxel_with_training()
    {
        var v = Volume("a", new Shape3(20, 16, 16));
        var (train, validation) = ValidationSplit.ByZ(0.25).Apply([v]);
        Assert.Equal(15, train[0].Shape.Z);
        Assert.Equal(5, validation[0].Shape.Z);
        var trainValues = train[0].Image.Data.ToHashSet();
        Assert.DoesNotContain(validation[0].Image.Data, trainValues.Contains);
        Assert.Equal(v.Image.Data, train[0].Image.Data.Concat(validation[0].Image.Data));
        Assert.Equal(15, ValidationSplit.ByZ(0.25).TrainingSections("a", 20));
    }

    [Fact]
    public void A_split_by_volume_keeps_whole_files_apart_and_names_unknown_ones()
    {
        var (train, validation) = ValidationSplit.ByVolume(["b"]).Apply([Volume("a", new Shape3(4, 8, 8)), Volume("b", new Shape3(4, 8, 8))]);
        Assert.Equal("a", Assert.Single(train).Name);
        Assert.Equal("b", Assert.Single(validation).Name);
        Assert.Equal((4, 0), (ValidationSplit.ByVolume(["b"]).TrainingSections("a", 4), ValidationSplit.ByVolume(["b"]).TrainingSections("b", 4)));
        var error = Assert.Throws<ArgumentException>(() => ValidationSplit.ByVolume(["c"]).Apply([Volume("a", new Shape3(4, 8, 8))]));
        Assert.Contains("c", error.Message);
    }

    [Fact]
    public void Rejection_sampling_makes_windows_with_clefts_common()
    {
        var volumes = new[] { Volume("a", new Shape3(16, 128, 128)) };
        double Fraction(double reject)
        {
            var source = new WindowBatchSource(volumes, new Shape3(4, 32, 32), AugmentationOptions.None, reject, seed: 1);
            return source.NextBatch(1000).CleftWindows / 1000.0;
        }
        var plain = Fraction(0);
        var rejected = Fraction(0.95);
        // Accepting every cleft window and 5% of the others turns a share p into p / (p + 0.05 (1 - p)).
        var expected = plain / (plain + 0.05 * (1 - plain));
        Assert.InRange(plain, 0.02, 0.1);
        Assert.InRange(rejected, expected - 0.1, expected + 0.1);
    }

    [Fact]
    public void Windows_cut_at_an_angle_are_rejected_on_their_turned_labels()
    {
        // The cleft blob lies at the centre: half the windows miss it. With every window turned and rejection 1,
        // a window is kept only if its turned labels hold the cleft, so every one does.
        var angled = AugmentationOptions.None with { AngleProbability = 1 };
        var source = new WindowBatchSource([Volume("a", new Shape3(8, 64, 64))], new Shape3(4, 16, 16), angled, 1, seed: 5);
        var batch = source.NextBatch(40);
        Assert.Equal(40, batch.CleftWindows);
        Assert.True(source.Draws > 40);
    }

    [Fact]
    public void A_volume_with_fewer_sections_than_the_window_is_padded_not_refused()
    {
        var source = new WindowBatchSource([Volume("thin", new Shape3(3, 32, 32))], new Shape3(8, 16, 16), AugmentationOptions.None, 0, seed: 2);
        var batch = source.NextBatch(2);
        Assert.Equal(2 * 8 * 16 * 16, batch.Images.Length);
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches()
    {
        var volumes = new[] { Volume("a", new Shape3(8, 64, 64)) };
        var a = new WindowBatchSource(volumes, new Shape3(4, 16, 16), AugmentationOptions.All, 0.9, seed: 3).NextBatch(3);
        var b = new WindowBatchSource(volumes, new Shape3(4, 16, 16), AugmentationOptions.All, 0.9, seed: 3).NextBatch(3);
        Assert.Equal(a.Images, b.Images);
        Assert.Equal(a.Classes, b.Classes);
    }

    [Fact]
    public void The_prefetcher_delivers_batches_prepared_on_another_thread()
    {
        var source = new WindowBatchSource([Volume("a", new Shape3(8, 64, 64))], new Shape3(4, 16, 16), AugmentationOptions.All, 0.5, seed: 4);
        using var prefetcher = new BatchPrefetcher(source, batchSize: 2, capacity: 2);
        for (var i = 0; i < 5; i++) Assert.Equal(2, prefetcher.Next().Count);
    }

    [Fact]
    public void Cremi_labels_reduce_to_background_cleft_and_ignore()
    {
        var labels = new Volume<ulong>(new Shape3(1, 1, 4), [CleftLabel.Background, 7, CleftLabel.Ignore, 0], VoxelSize.Cremi);
        Assert.Equal([VoxelClass.Background, VoxelClass.Cleft, VoxelClass.Ignore, VoxelClass.Background], TrainingVolume.ClassesOf(labels).Data);
    }
}
