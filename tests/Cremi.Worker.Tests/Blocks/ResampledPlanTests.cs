using Cremi.Core.Volumes;
using Cremi.Learning.Inference;
using Cremi.Worker.Workflows;

namespace Cremi.Worker.Tests.Blocks;

public class ResampledPlanTests
{
    private static GenerationRequest Request((int Y, int X)? grid) =>
        new("data.hdf", "mask.hdf", new SlidingWindowOptions { Window = new Shape3(16, 128, 128) }, new CleftLabelling(0.5),
            Naive: false, new Dictionary<string, string>(), grid);

    [Fact]
    public void A_volume_resampled_for_the_network_is_not_split_into_blocks()
    {
        // The block grid is the data's window grid; a resampled run predicts on another, so it stays one run.
        var shape = new Shape3(125, 1250, 1250);
        Assert.NotNull(BlockwiseGeneration.Plan(shape, Request(null), shape.Count / 8));
        Assert.Null(BlockwiseGeneration.Plan(shape, Request((2500, 2500)), shape.Count / 8));
        Assert.Equal(new Shape3(125, 2500, 2500), Request((2500, 2500)).NetworkShape(shape));
    }
}
