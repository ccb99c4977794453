using Cremi.Core.Augmentation;
using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Augmentation;

public sealed class RotationAugmentTests
{
    private static (Volume<float> Image, Volume<byte> Classes) Noise(Shape3 shape, int seed)
    {
        var random = new Random(seed);
        var image = new Volume<float>(shape, Enumerable.Range(0, (int)shape.Count).Select(_ => (float)random.NextDouble()).ToArray(), VoxelSize.Cremi);
        var classes = new Volume<byte>(shape, Enumerable.Range(0, (int)shape.Count).Select(_ => (byte)random.Next(3)).ToArray(), VoxelSize.Cremi);
        return (image, classes);
    }

    /// <summary>One section whose image is 100 and class Cleft where <paramref name="inside"/> holds (nm from the centre), 0 elsewhere.</summary>
    private static (Volume<float> Image, Volume<byte> Classes) Shape2d(int side, VoxelSize resolution, Func<double, double, bool> inside)
    {
        var shape = new Shape3(1, side, side);
        var image = new Volume<float>(shape, resolution);
        var classes = new Volume<byte>(shape, resolution);
        var c = (side - 1) / 2.0;
        for (var y = 0; y < side; y++)
        for (var x = 0; x < side; x++)
        {
            if (!inside((y - c) * resolution.Y, (x - c) * resolution.X)) continue;
            image[0, y, x] = 100;
            classes[0, y, x] = VoxelClass.Cleft;
        }
        return (image, classes);
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(-3, -5, 14)] // hangs out of the volume: reflected like the plain extractor
    public void At_angle_zero_the_window_is_the_plain_extractors(int z, int y, int x)
    {
        var (image, classes) = Noise(new Shape3(6, 20, 24), seed: 1);
        var window = new Window(z, y, x, new Shape3(4, 16, 16));
        var w = RotationAugment.Extract(image, classes, window, 0);
        Assert.Equal(WindowExtractor.Extract(classes, window), w.Labels);
        Assert.Equal(WindowExtractor.Extract(image, window), w.Image);
    }

    [Fact]
    public void A_quarter_turn_clockwise_is_numpy_rot90_of_the_straight_window()
    {
        var (image, classes) = Noise(new Shape3(3, 30, 30), seed: 2);
        var window = new Window(0, 5, 7, new Shape3(3, 16, 16));
        var straight = new TrainingWindow(window.Shape, WindowExtractor.Extract(image, window), WindowExtractor.Extract(classes, window));
        GeometricAugment.Rotate(straight, 1);
        var turned = RotationAugment.Extract(image, classes, window, -Math.PI / 2);
        Assert.Equal(straight.Labels, turned.Labels);
        for (var i = 0; i < straight.Image.Length; i++) Assert.Equal(straight.Image[i], turned.Image[i], 1e-5f);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(-50)]
    [InlineData(75)]
    public void A_band_along_x_turned_by_an_angle_runs_at_that_angle(double degrees)
    {
        // A 5-voxel band through the centre; its direction in the window by the second moments of its voxels.
        var (image, classes) = Shape2d(121, VoxelSize.Cremi, (y, _) => Math.Abs(y) <= 2 * 4);
        var w = RotationAugment.Extract(image, classes, new Window(0, 28, 28, new Shape3(1, 64, 64)), degrees * Math.PI / 180);
        var at = Enumerable.Range(0, w.Labels.Length).Where(i => w.Labels[i] == VoxelClass.Cleft).ToArray();
        double my = at.Average(i => i / 64), mx = at.Average(i => i % 64), n = at.Length;
        double syy = 0, sxx = 0, sxy = 0;
        foreach (var i in at)
        {
            double dy = i / 64 - my, dx = i % 64 - mx;
            syy += dy * dy; sxx += dx * dx; sxy += dy * dx;
        }
        var measured = 0.5 * Math.Atan2(2 * sxy, sxx - syy) * 180 / Math.PI;
        Assert.Equal(degrees, measured, 1.0);
        Assert.InRange(n, 5 * 64 * 0.9, 5 * 64 / Math.Cos(degrees * Math.PI / 180) * 1.1);
    }

    [Theory]
    [InlineData(90)]
    [InlineData(45)]
    [InlineData(20)]
    public void With_non_square_pixels_a_round_object_stays_round_in_nm(double degrees)
    {
        // 4 nm rows, 8 nm columns: a disc of 100 nm radius spans 25 rows and 12.5 columns each side of the centre.
        var resolution = new VoxelSize(40, 4, 8);
        // The window spans 256 x 512 nm, so the volume holds it at any angle without reflecting (644 nm of rows).
        var (image, classes) = Shape2d(161, resolution, (y, x) => y * y + x * x <= 100 * 100);
        var window = new Window(0, 48, 48, new Shape3(1, 64, 64));
        var straight = WindowExtractor.Extract(classes, window);
        var turned = RotationAugment.Extract(image, classes, window, degrees * Math.PI / 180);
        var before = straight.Count(c => c == VoxelClass.Cleft);
        Assert.Equal(before, turned.Labels.Count(c => c == VoxelClass.Cleft), before * 0.05);
        Assert.Equal(25, Extent(turned.Labels, rows: true), 1.0);
        Assert.Equal(12.5, Extent(turned.Labels, rows: false), 1.0);
    }

    [Fact]
    public void The_image_turns_with_its_labels()
    {
        var (image, classes) = Shape2d(101, VoxelSize.Cremi, (y, x) => Math.Abs(y - 2 * x) <= 30 && Math.Abs(x) < 120);
        var w = RotationAugment.Extract(image, classes, new Window(0, 18, 18, new Shape3(1, 64, 64)), 37 * Math.PI / 180);
        var cleft = Enumerable.Range(0, w.Labels.Length).Where(i => w.Labels[i] == VoxelClass.Cleft).ToArray();
        Assert.NotEmpty(cleft);
        Assert.InRange(cleft.Average(i => w.Image[i]), 80, 100);
        Assert.InRange(Enumerable.Range(0, w.Labels.Length).Except(cleft).Average(i => w.Image[i]), 0, 5);
    }

    /// <summary>Half the span, in voxels, of the labelled rows (or columns) about the window's centre.</summary>
    private static double Extent(byte[] labels, bool rows)
    {
        var at = Enumerable.Range(0, labels.Length).Where(i => labels[i] == VoxelClass.Cleft).Select(i => rows ? i / 64 : i % 64).ToArray();
        return (at.Max() - at.Min()) / 2.0;
    }
}
