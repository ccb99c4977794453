namespace Cremi.Core.Volumes;

/// <summary>
/// Resizes every section of a volume to another (y, x) size: linear interpolation between pixel centres when
/// enlarging (OpenCV's INTER_LINEAR, PyTorch's bilinear without align_corners) and the exact area average when
/// shrinking (OpenCV's INTER_AREA), so that a coarser grid never aliases the fine one. Sections are never mixed:
/// serial sections are cut, not sampled, and a network sees their spacing as it is.
/// Used to show a network data at the pixel size it was trained on, and to bring its scores back.
/// </summary>
public static class InPlaneResampling
{
    public static Volume<float> Resample(Volume<float> volume, int height, int width)
    {
        var shape = volume.Shape with { Y = height, X = width };
        return new Volume<float>(shape, Sections(volume.Data, volume.Shape.Y, volume.Shape.X, height, width),
            Rescaled(volume.Resolution, volume.Shape, shape), volume.Offset);
    }

    /// <summary>Whole sections of <paramref name="sourceHeight"/> × <paramref name="sourceWidth"/> values, one after
    /// another (as scores stream out of a predictor), each resized to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static float[] Sections(ReadOnlySpan<float> sections, int sourceHeight, int sourceWidth, int height, int width)
    {
        var (source, target) = (sourceHeight * sourceWidth, height * width);
        var (_, rows, columns) = Plan(new Shape3(1, sourceHeight, sourceWidth), height, width);
        var output = new float[sections.Length / source * target];
        var scratch = new float[sourceHeight * width];
        for (var z = 0; z < sections.Length / source; z++)
            Section(sections.Slice(z * source, source), sourceWidth, output.AsSpan(z * target, target), width, rows, columns, scratch);
        return output;
    }

    /// <summary>Grey values resampled as floats and rounded half to even (OpenCV's saturate_cast), clamped to 0..255.</summary>
    public static Volume<byte> Resample(Volume<byte> volume, int height, int width)
    {
        var (shape, rows, columns) = Plan(volume.Shape, height, width);
        var output = new byte[shape.Count];
        var input = new float[volume.Shape.SectionSize];
        var section = new float[shape.SectionSize];
        var scratch = new float[volume.Shape.Y * width];
        for (var z = 0; z < shape.Z; z++)
        {
            var source = volume.Data.AsSpan(z * volume.Shape.SectionSize, volume.Shape.SectionSize);
            for (var i = 0; i < source.Length; i++) input[i] = source[i];
            Section(input, volume.Shape.X, section, width, rows, columns, scratch);
            var target = output.AsSpan(z * shape.SectionSize, shape.SectionSize);
            for (var i = 0; i < target.Length; i++) target[i] = (byte)Math.Clamp(MathF.Round(section[i]), 0, 255);
        }
        return new Volume<byte>(shape, output, Rescaled(volume.Resolution, volume.Shape, shape), volume.Offset);
    }

    /// <summary>
    /// Labels or classes: each output pixel takes the source pixel under its centre (PyTorch's "nearest-exact",
    /// OpenCV's INTER_NEAREST_EXACT), so no value is invented and none moves by more than half a pixel.
    /// </summary>
    public static Volume<T> Nearest<T>(Volume<T> volume, int height, int width) where T : unmanaged
    {
        var (shape, _, _) = Plan(volume.Shape, height, width);
        int[] Sources(int from, int to) =>
            Enumerable.Range(0, to).Select(i => Math.Min((int)Math.Floor((i + 0.5) * from / to), from - 1)).ToArray();
        var (rows, columns) = (Sources(volume.Shape.Y, height), Sources(volume.Shape.X, width));
        var output = new T[shape.Count];
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < height; y++)
        {
            var source = volume.Data.AsSpan((int)volume.Shape.Index(z, rows[y], 0), volume.Shape.X);
            var target = output.AsSpan((int)shape.Index(z, y, 0), width);
            for (var x = 0; x < width; x++) target[x] = source[columns[x]];
        }
        return new Volume<T>(shape, output, Rescaled(volume.Resolution, volume.Shape, shape), volume.Offset);
    }

    /// <summary>One section: along x into <paramref name="scratch"/>, then along y.</summary>
    public static void Section(ReadOnlySpan<float> source, int sourceWidth, Span<float> target, int width,
        AxisWeights rows, AxisWeights columns, Span<float> scratch)
    {
        var sourceHeight = rows.From;
        for (var y = 0; y < sourceHeight; y++)
            columns.Apply(source.Slice(y * sourceWidth, sourceWidth), scratch.Slice(y * width, width));
        for (var y = 0; y < rows.To; y++)
        {
            var row = target.Slice(y * width, width);
            row.Clear();
            for (var t = 0; t < rows.Taps; t++)
            {
                var weight = rows.Weight[y * rows.Taps + t];
                if (weight == 0) continue;
                var from = scratch.Slice(rows.Index[y * rows.Taps + t] * width, width);
                for (var x = 0; x < width; x++) row[x] += weight * from[x];
            }
        }
    }

    private static (Shape3 Shape, AxisWeights Rows, AxisWeights Columns) Plan(Shape3 shape, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        return (shape with { Y = height, X = width }, AxisWeights.For(shape.Y, height), AxisWeights.For(shape.X, width));
    }

    private static VoxelSize Rescaled(VoxelSize resolution, Shape3 from, Shape3 to) =>
        resolution with { Y = resolution.Y * from.Y / to.Y, X = resolution.X * from.X / to.X };
}

/// <summary>
/// For each output sample of an axis resized from <see cref="From"/> to <see cref="To"/> samples, the source samples
/// and weights that make it (a fixed number of taps, unused ones weighted 0).
/// </summary>
public sealed class AxisWeights
{
    private AxisWeights(int from, int to, int taps)
    {
        From = from;
        To = to;
        Taps = taps;
        Index = new int[to * taps];
        Weight = new float[to * taps];
    }

    public int From { get; }
    public int To { get; }
    public int Taps { get; }
    public int[] Index { get; }
    public float[] Weight { get; }

    public static AxisWeights For(int from, int to)
    {
        var scale = (double)from / to;
        if (to >= from)
        {
            // Linear between pixel centres: output i sits at source (i + 0.5)·scale - 0.5, clamped at the borders.
            var linear = new AxisWeights(from, to, 2);
            for (var i = 0; i < to; i++)
            {
                var position = (i + 0.5) * scale - 0.5;
                var left = (int)Math.Floor(position);
                var fraction = (float)(position - left);
                if (left < 0) (left, fraction) = (0, 0);
                if (left >= from - 1) (left, fraction) = (from - 1, 0);
                linear.Index[2 * i] = left;
                linear.Index[2 * i + 1] = Math.Min(left + 1, from - 1);
                linear.Weight[2 * i] = 1 - fraction;
                linear.Weight[2 * i + 1] = fraction;
            }
            return linear;
        }

        // Area: output i averages the source interval [i·scale, (i+1)·scale), partly covered samples by their share.
        var taps = (int)Math.Ceiling(scale) + 1;
        var area = new AxisWeights(from, to, taps);
        for (var i = 0; i < to; i++)
        {
            double start = i * scale, end = Math.Min((i + 1) * scale, from);
            var first = (int)Math.Floor(start);
            for (var t = 0; t < taps; t++)
            {
                var k = first + t;
                var overlap = k < from ? Math.Min(end, k + 1) - Math.Max(start, k) : 0;
                area.Index[i * taps + t] = Math.Min(k, from - 1);
                area.Weight[i * taps + t] = overlap > 0 ? (float)(overlap / scale) : 0;
            }
        }
        return area;
    }

    /// <summary>Resamples one row.</summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> target)
    {
        for (var i = 0; i < To; i++)
        {
            var sum = 0f;
            for (var t = 0; t < Taps; t++) sum += Weight[i * Taps + t] * source[Index[i * Taps + t]];
            target[i] = sum;
        }
    }
}
