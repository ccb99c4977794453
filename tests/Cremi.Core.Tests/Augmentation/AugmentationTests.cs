using Cremi.Core.Augmentation;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Augmentation;

public sealed class AugmentationTests
{
    private static TrainingWindow Ramp(Shape3 shape, int markerIndex = -1)
    {
        var image = Enumerable.Range(0, (int)shape.Count).Select(i => (float)i).ToArray();
        var labels = new byte[shape.Count];
        if (markerIndex >= 0) labels[markerIndex] = VoxelClass.Cleft;
        return new TrainingWindow(shape, image, labels);
    }

    [Fact]
    public void A_quarter_turn_matches_numpy_rot90_on_the_section_axes()
    {
        // np.rot90([[0,1,2],[3,4,5]], 1) == [[2,5],[1,4],[0,3]]; k=3 gives [[3,0],[4,1],[5,2]].
        var w = Ramp(new Shape3(1, 2, 3));
        GeometricAugment.Rotate(w, 1);
        Assert.Equal(new Shape3(1, 3, 2), w.Shape);
        Assert.Equal([2f, 5, 1, 4, 0, 3], w.Image);
        var v = Ramp(new Shape3(1, 2, 3));
        GeometricAugment.Rotate(v, 3);
        Assert.Equal([3f, 0, 4, 1, 5, 2], v.Image);
    }

    [Fact]
    public void Four_quarter_turns_and_double_flips_give_back_the_window()
    {
        var w = Ramp(new Shape3(3, 4, 4), markerIndex: 9);
        var original = w.Image.ToArray();
        for (var i = 0; i < 4; i++) GeometricAugment.Rotate(w, 1);
        GeometricAugment.Flip(w, true, true, true);
        GeometricAugment.Flip(w, true, true, true);
        Assert.Equal(original, w.Image);
        Assert.Equal(VoxelClass.Cleft, w.Labels[9]);
    }

    [Fact]
    public void Labels_move_with_the_image_under_every_geometric_transform()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 20; trial++)
        {
            var marker = random.Next(3 * 6 * 6);
            var w = Ramp(new Shape3(3, 6, 6), marker);
            GeometricAugment.Flip(w, random.Next(2) == 1, random.Next(2) == 1, random.Next(2) == 1);
            GeometricAugment.Rotate(w, random.Next(4));
            var at = Array.IndexOf(w.Labels, VoxelClass.Cleft);
            Assert.Equal(marker, (int)w.Image[at]);
        }
    }

    [Fact]
    public void Elastic_deformation_of_zero_strength_changes_nothing()
    {
        var w = Ramp(new Shape3(4, 16, 16), markerIndex: 100);
        var image = w.Image.ToArray();
        ElasticAugment.Apply(w, (2, 8, 8), sigma: 0, new Random(1));
        Assert.Equal(image, w.Image);
        Assert.Equal(VoxelClass.Cleft, w.Labels[100]);
    }

    [Fact]
    public void Elastic_deformation_keeps_labels_as_classes_and_the_image_within_its_range()
    {
        var shape = new Shape3(4, 32, 32);
        var labels = new byte[shape.Count];
        for (var i = 0; i < labels.Length; i += 7) labels[i] = (byte)(i % 3);
        var w = new TrainingWindow(shape, Enumerable.Range(0, (int)shape.Count).Select(i => (float)(i % 50) / 50).ToArray(), labels);
        ElasticAugment.Apply(w, (2, 8, 8), sigma: 3, new Random(2));
        Assert.All(w.Labels, l => Assert.InRange(l, (byte)0, (byte)2));
        Assert.All(w.Image, v => Assert.InRange(v, 0f, 1f));
        Assert.NotEqual(labels, w.Labels);
    }

    [Fact]
    public void A_missing_section_is_flat_and_keeps_its_labels()
    {
        var w = Ramp(new Shape3(3, 4, 4), markerIndex: 20);
        DefectAugment.MissingSection(w, 1);
        Assert.Single(w.Image.Skip(16).Take(16).Distinct());
        Assert.Equal(VoxelClass.Cleft, w.Labels[20]);
    }

    [Fact]
    public void A_shifted_section_moves_its_labels_with_it_and_leaves_the_others()
    {
        var shape = new Shape3(2, 8, 8);
        var marker = (int)shape.Index(1, 3, 3);
        var w = Ramp(shape, marker);
        DefectAugment.ShiftSection(w, 1, dy: 2, dx: -1);
        var at = (int)shape.Index(1, 5, 2);
        Assert.Equal(VoxelClass.Cleft, w.Labels[at]);
        Assert.Equal(marker, (int)w.Image[at]);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (float)i), w.Image.Take(64));
    }

    [Fact]
    public void Intensity_jitter_changes_each_section_differently_but_not_the_labels()
    {
        var w = Ramp(new Shape3(3, 4, 4), markerIndex: 5);
        var before = w.Image.ToArray();
        IntensityAugment.Apply(w, 0.1, 0.1, 0.2, new Random(3));
        Assert.NotEqual(before, w.Image);
        Assert.Equal(VoxelClass.Cleft, w.Labels[5]);
    }

    [Fact]
    public void None_leaves_the_window_untouched_and_the_same_seed_repeats_itself()
    {
        var w = Ramp(new Shape3(4, 16, 16));
        new Augmenter(AugmentationOptions.None, 1).Apply(w);
        Assert.Equal(Ramp(new Shape3(4, 16, 16)).Image, w.Image);

        var a = Ramp(new Shape3(4, 16, 16));
        var b = Ramp(new Shape3(4, 16, 16));
        new Augmenter(AugmentationOptions.All, 9).Apply(a);
        new Augmenter(AugmentationOptions.All, 9).Apply(b);
        Assert.Equal(a.Image, b.Image);
    }

    [Theory]
    [InlineData("all", "flip,rot90,angle,intensity,missing,shift,elastic")]
    [InlineData("default", "flip,rot90,intensity,missing,shift,elastic")]
    [InlineData("rot90,angle", "rot90,angle")]
    [InlineData("none", "none")]
    [InlineData("flip, elastic", "flip,elastic")]
    [InlineData("default,missing=0.3", "flip,rot90,intensity,missing=0.3,shift,elastic")]
    [InlineData("all, elastic=0.25, angle=0", "flip,rot90,intensity,missing,shift,elastic=0.25")]
    [InlineData("missing=0.1", "missing")]
    [InlineData("missing=0", "none")]
    public void Augmentation_lists_parse_and_print_back(string text, string shown)
    {
        Assert.Equal(shown, AugmentationOptions.Parse(text).ToString());
    }

    [Fact]
    public void An_unknown_augmentation_is_named_in_the_error()
    {
        var error = Assert.Throws<FormatException>(() => AugmentationOptions.Parse("flip,twirl"));
        Assert.Contains("'twirl'", error.Message);
    }

    [Theory]
    [InlineData("missing=1.5", "from 0 to 1")]
    [InlineData("missing=x", "from 0 to 1")]
    [InlineData("flip=0.5", "takes no probability")]
    [InlineData("flip,default", "can only open")]
    public void A_bad_probability_or_misplaced_base_is_refused_with_the_item_named(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AugmentationOptions.Parse(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_probability_given_in_the_list_sets_that_augmentation_alone_and_prints_back()
    {
        var options = AugmentationOptions.Parse("default,missing=0.3,shift=0");
        Assert.Equal(0.3, options.MissingSectionProbability);
        Assert.Equal(0, options.ShiftedSectionProbability);
        Assert.Equal(AugmentationOptions.Default.ElasticProbability, options.ElasticProbability);
        Assert.Equal(options, AugmentationOptions.Parse(options.ToString()));
    }
}
