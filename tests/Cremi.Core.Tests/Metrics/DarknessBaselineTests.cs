using Cremi.Core.Metrics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Metrics;

public sealed class DarknessBaselineTests
{
    [Fact]
    public void The_best_threshold_separates_dark_clefts_when_nothing_else_is_dark()
    {
        var shape = new Shape3(1, 1, 6);
        var raw = new Volume<byte>(shape, [10, 20, 200, 210, 220, 30], VoxelSize.Cremi);
        var truth = new Volume<ulong>(shape, [1, 1, CleftLabel.Background, CleftLabel.Background, CleftLabel.Background, CleftLabel.Ignore], VoxelSize.Cremi);
        var (f1, threshold) = DarknessBaseline.BestF1(raw, truth);
        Assert.Equal(1.0, f1);
        Assert.Equal(20, threshold);
    }

    [Fact]
    public void Dark_membranes_without_clefts_pull_the_score_down()
    {
        var shape = new Shape3(1, 1, 4);
        var raw = new Volume<byte>(shape, [10, 10, 10, 200], VoxelSize.Cremi);
        var truth = new Volume<ulong>(shape, [1, CleftLabel.Background, CleftLabel.Background, CleftLabel.Background], VoxelSize.Cremi);
        // Best is t = 10: tp 1, fp 2, fn 0 -> F1 = 2/4.
        Assert.Equal(0.5, DarknessBaseline.BestF1(raw, truth).F1, 12);
    }
}
