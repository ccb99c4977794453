using Cremi.Core.Sampling;
using Cremi.Core.Volumes;
using Cremi.Learning.Training;

namespace Cremi.Learning.Tests.Training;

public sealed class CalibrationSampleTests
{
    private static readonly Shape3 Window = new(16, 128, 128);
    private const long Cap = 8L << 20;

    [Fact]
    public void Whole_volumes_are_scored_while_they_fit_the_cap()
    {
        var plan = CalibrationSample.Plan([new Shape3(32, 256, 256), new Shape3(16, 512, 512)], Window, Cap);
        Assert.Equal([(0, new Window(0, 0, 0, new Shape3(32, 256, 256))), (1, new Window(0, 0, 0, new Shape3(16, 512, 512)))], plan);
    }

    [Fact]
    public void A_cremi_sized_volume_gives_a_centred_block_two_windows_deep_not_its_first_five_sections()
    {
        // 8 M voxels are 5 sections of 1250²: thinner than a window, they would be scored on reflected z-context.
        var plan = CalibrationSample.Plan([new Shape3(125, 1250, 1250)], Window, Cap);
        var (volume, box) = Assert.Single(plan);
        Assert.Equal(0, volume);
        Assert.Equal(new Window(46, 369, 369, new Shape3(32, 512, 512)), box);
        Assert.True(box.Shape.Count <= Cap);
    }

    [Fact]
    public void A_volume_with_room_for_many_whole_sections_keeps_its_whole_plane()
    {
        var (_, box) = Assert.Single(CalibrationSample.Plan([new Shape3(100, 512, 512)], Window, Cap));
        Assert.Equal(new Window(34, 0, 0, new Shape3(32, 512, 512)), box);
    }

    [Fact]
    public void A_thin_validation_region_is_used_at_its_full_depth()
    {
        // --val-fraction 0.1 of a CREMI volume: 12 sections.
        var (_, box) = Assert.Single(CalibrationSample.Plan([new Shape3(12, 1250, 1250)], Window, Cap));
        Assert.Equal(12, box.Shape.Z);
        Assert.InRange(box.Shape.Count, Cap * 99 / 100, Cap);
        Assert.Equal((1250 - box.Shape.Y) / 2, box.Y);
    }

    [Fact]
    public void What_the_cap_leaves_after_whole_volumes_goes_to_a_block_of_the_next_or_to_none_when_too_small()
    {
        var first = new Shape3(32, 512, 448); // 7 M voxels: 1 M of the cap left
        var plan = CalibrationSample.Plan([first, new Shape3(64, 512, 512)], Window, Cap);
        Assert.Equal(2, plan.Count);
        var (volume, box) = plan[1];
        Assert.Equal(1, volume);
        Assert.Equal(32, box.Shape.Z);
        Assert.True(first.Count + box.Shape.Count <= Cap);

        // Less than one window-wide block two windows deep (32 × 128 × 128) left: the next volume is skipped.
        var almost = new Shape3(31, 512, 512);
        Assert.Single(CalibrationSample.Plan([almost, new Shape3(64, 512, 512)], Window, almost.Count + 100_000));
    }
}
