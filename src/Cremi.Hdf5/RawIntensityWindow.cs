using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5;

/// <summary>
/// Raw images stored wider than 8 bits (uint16 from FIB-SEM cameras, int16, float32 exports that were already
/// normalised) are mapped to uint8 linearly between two percentiles of the whole volume, measured once when the file
/// is opened, so every block of one file maps alike and a few hot or dead pixels do not squeeze the contrast. Below
/// the low percentile is 0, above the high one 255; NaN is 0. uint8 files are read as they are.
/// </summary>
public sealed record RawIntensityWindow(string StoredType, double Low, double High)
{
    public const double LowPercentile = 0.05;
    public const double HighPercentile = 99.95;

    /// <summary>At most this many values are sampled (from up to <see cref="SampledSections"/> evenly spaced sections).</summary>
    private const int MaxSamples = 1 << 21;
    private const int SampledSections = 16;

    public override string ToString() => $"{StoredType} mapped to uint8 linearly from {Low:G6} (0) to {High:G6} (255)";

    /// <summary>True for the stored types that are mapped (every integer and float type but uint8).</summary>
    internal static bool IsMappable(IH5DataType type) =>
        (type.Class == H5DataTypeClass.FixedPoint && type.Size is 1 or 2 or 4 or 8) ||
        (type.Class == H5DataTypeClass.FloatingPoint && type.Size is 4 or 8);

    internal static RawIntensityWindow Measure(IH5Dataset dataset, Shape3 shape)
    {
        var sections = Enumerable.Range(0, Math.Min(SampledSections, shape.Z))
            .Select(i => (int)((long)i * shape.Z / Math.Min(SampledSections, shape.Z))).Distinct().ToArray();
        var stride = Math.Max(1, (int)Math.Ceiling((double)sections.Length * shape.SectionSize / MaxSamples));
        var samples = new List<double>();
        foreach (var z in sections)
        {
            var section = ReadAsDouble(dataset, shape, z, 0, 0, shape with { Z = 1 });
            for (var i = 0; i < section.Length; i += stride)
                if (!double.IsNaN(section[i])) samples.Add(section[i]);
        }
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        var name = H5TypeNames.Of(dataset.Type);
        return sorted.Length == 0
            ? new RawIntensityWindow(name, 0, 0)
            : new RawIntensityWindow(name, Percentile(sorted, LowPercentile), Percentile(sorted, HighPercentile));
    }

    /// <summary>
    /// Reads a block of the stored type and maps it to uint8, a few sections at a time so that the wide values held
    /// at once stay under ~128 MB whatever the block's size.
    /// </summary>
    internal byte[] ReadMapped(IH5Dataset dataset, Shape3 full, int z0, int y0, int x0, Shape3 block)
    {
        var scale = High > Low ? 255 / (High - Low) : 0;
        var result = new byte[block.Count];
        var step = (int)Math.Max(1, Math.Min(block.Z, (16L << 20) / Math.Max(1, (long)block.Y * block.X)));
        for (var dz = 0; dz < block.Z; dz += step)
        {
            var depth = Math.Min(step, block.Z - dz);
            var values = ReadAsDouble(dataset, full, z0 + dz, y0, x0, block with { Z = depth });
            var offset = (long)dz * block.Y * block.X;
            for (var i = 0; i < values.Length; i++)
            {
                var v = (values[i] - Low) * scale;
                result[offset + i] = double.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        }
        return result;
    }

    private static double[] ReadAsDouble(IH5Dataset dataset, Shape3 full, int z0, int y0, int x0, Shape3 block)
    {
        var type = dataset.Type;
        if (type.Class == H5DataTypeClass.FloatingPoint)
            return type.Size == 4
                ? Array.ConvertAll(H5BlockReader.Read<float>(dataset, full, z0, y0, x0, block), v => (double)v)
                : H5BlockReader.Read<double>(dataset, full, z0, y0, x0, block);
        return (type.Size, type.FixedPoint.IsSigned) switch
        {
            (1, true) => Array.ConvertAll(H5BlockReader.Read<sbyte>(dataset, full, z0, y0, x0, block), v => (double)v),
            (1, false) => Array.ConvertAll(H5BlockReader.Read<byte>(dataset, full, z0, y0, x0, block), v => (double)v),
            (2, true) => Array.ConvertAll(H5BlockReader.Read<short>(dataset, full, z0, y0, x0, block), v => (double)v),
            (2, false) => Array.ConvertAll(H5BlockReader.Read<ushort>(dataset, full, z0, y0, x0, block), v => (double)v),
            (4, true) => Array.ConvertAll(H5BlockReader.Read<int>(dataset, full, z0, y0, x0, block), v => (double)v),
            (4, false) => Array.ConvertAll(H5BlockReader.Read<uint>(dataset, full, z0, y0, x0, block), v => (double)v),
            (8, true) => Array.ConvertAll(H5BlockReader.Read<long>(dataset, full, z0, y0, x0, block), v => (double)v),
            _ => Array.ConvertAll(H5BlockReader.Read<ulong>(dataset, full, z0, y0, x0, block), v => (double)v),
        };
    }

    /// <summary>Linear interpolation between closest ranks (NumPy's default percentile).</summary>
    private static double Percentile(double[] sorted, double percent)
    {
        var rank = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }
}
