using Cremi.Core.Augmentation;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Training;

public sealed class ThresholdCalibrationTests
{
    // 12 sections under a 4 × 32 × 32 window at 50 % overlap: 5 window z-starts (0, 2, ..., 8) of 3 × 3 windows each.
    private static readonly Shape3 Shape = new(12, 64, 64);
    private static readonly ModelSpec Spec = ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1) with { Groups = 2 };
    private static readonly ModelDescription Description = new() { Spec = Spec, Preprocessing = "minmax", Window = new Shape3(4, 32, 32), Threshold = 0.5 };

    /// <summary>A cleft bar in every section, so any run of whole sections holds cleft voxels.</summary>
    private static TrainingVolume Volume()
    {
        var random = new Random(5);
        var image = new Volume<float>(Shape, VoxelSize.Cremi);
        var classes = new Volume<byte>(Shape, VoxelSize.Cremi);
        for (var i = 0; i < image.Data.Length; i++) image.Data[i] = (float)random.NextDouble();
        for (var z = 0; z < Shape.Z; z++)
        for (var x = 10; x < 40; x++)
            classes[z, 20 + z, x] = VoxelClass.Cleft;
        return new TrainingVolume("v", image, classes);
    }

    private static nn.Module<Tensor, Tensor> Module()
    {
        manual_seed(11);
        return Spec.Build();
    }

    [Fact]
    public void A_full_run_scores_every_planned_voxel()
    {
        using var module = Module();
        var calibration = Assert.IsType<Calibration>(ThresholdCalibration.Run(module, Description, [Volume()], CPU, 1L << 20));
        Assert.Equal(Shape.Count, calibration.Voxels);
        Assert.True(calibration.Complete);
        Assert.InRange(calibration.Threshold, 0, 1);
    }

    [Fact]
    public void A_stop_keeps_the_sections_finished_before_it()
    {
        using var module = Module();
        using var stop = new CancellationTokenSource();
        long windows = 0;
        // Stop once the first z-start's 9 windows are through: its sections 0-1 are finished, no later one is.
        var calibration = ThresholdCalibration.Run(module, Description, [Volume()], CPU, 1L << 20, stop.Token,
            windowsDone: n => { if ((windows += n) >= 9) stop.Cancel(); });

        var cut = Assert.IsType<Calibration>(calibration);
        Assert.Equal(2L * 64 * 64, cut.Voxels);
        Assert.Equal(Shape.Count, cut.PlannedVoxels);
        Assert.False(cut.Complete);
        Assert.Equal(9, windows);
    }

    [Fact]
    public void A_stop_before_any_section_is_finished_gives_no_calibration_and_a_cancellation_still_throws()
    {
        using var module = Module();
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        Assert.Null(ThresholdCalibration.Run(module, Description, [Volume()], CPU, 1L << 20, stopped.Token));

        Assert.ThrowsAny<OperationCanceledException>(() =>
            ThresholdCalibration.Run(module, Description, [Volume()], CPU, 1L << 20, cancellationToken: stopped.Token));
    }
}
