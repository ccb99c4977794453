using Cremi.Core.Volumes;

namespace Cremi.Worker.Workflows;

/// <summary>
/// Brings score sections from the grid the network ran on back to the data's (y, x) grid, as they stream out of the
/// predictor: the weights are made once, each call resamples the sections it is given.
/// </summary>
internal sealed class SectionResampler(Shape3 from, Shape3 to)
{
    private readonly AxisWeights _rows = AxisWeights.For(from.Y, to.Y);
    private readonly AxisWeights _columns = AxisWeights.For(from.X, to.X);
    private readonly float[] _scratch = new float[from.Y * to.X];

    public float[] Resample(ReadOnlySpan<float> sections)
    {
        var count = sections.Length / from.SectionSize;
        var output = new float[count * to.SectionSize];
        for (var z = 0; z < count; z++)
            InPlaneResampling.Section(sections.Slice(z * from.SectionSize, from.SectionSize), from.X,
                output.AsSpan(z * to.SectionSize, to.SectionSize), to.X, _rows, _columns, _scratch);
        return output;
    }
}
