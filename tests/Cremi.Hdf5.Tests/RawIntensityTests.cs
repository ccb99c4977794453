using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5.Tests;

/// <summary>Raw images stored wider than uint8 are mapped to uint8 between the 0.05th and 99.95th percentiles.</summary>
public sealed class RawIntensityTests
{
    private static string Write<T>(TempFolder folder, T[,,] raw)
    {
        var path = folder.File("wide.hdf");
        new H5File { ["volumes"] = new H5Group { ["raw"] = raw } }.Write(path);
        return path;
    }

    [Fact]
    public void Uint16_raw_is_mapped_linearly_between_the_percentiles_of_the_whole_volume()
    {
        using var folder = new TempFolder();
        // A ramp 1000, 1003, ... over 4x20x25 voxels: every section sampled whole, so the percentiles are NumPy's
        // linear ones over all 2000 values: 1000 + 3 * p/100 * 1999.
        var raw = new ushort[4, 20, 25];
        var i = 0;
        for (var z = 0; z < 4; z++) for (var y = 0; y < 20; y++) for (var x = 0; x < 25; x++) raw[z, y, x] = (ushort)(1000 + 3 * i++);
        using var file = CremiFile.Open(Write(folder, raw));

        var window = Assert.IsType<RawIntensityWindow>(file.RawIntensity);
        Assert.Equal("uint16", window.StoredType);
        Assert.Equal(1000 + 3 * 0.0005 * 1999, window.Low, 9);
        Assert.Equal(1000 + 3 * 0.9995 * 1999, window.High, 9);

        var mapped = file.ReadRaw().Data;
        Assert.Equal(0, mapped[0]);
        Assert.Equal(255, mapped[^1]);
        for (var k = 1; k < mapped.Length; k++) Assert.True(mapped[k] >= mapped[k - 1], $"not monotone at {k}");
        var middle = 1000 + 3 * 1000;
        Assert.Equal(Math.Round((middle - window.Low) * 255 / (window.High - window.Low)), mapped[1000]);

        // A block maps exactly as the same voxels of the whole volume.
        var block = file.ReadRaw(1, 3, 5, new Shape3(2, 7, 9)).Data;
        for (var z = 0; z < 2; z++) for (var y = 0; y < 7; y++) for (var x = 0; x < 9; x++)
            Assert.Equal(mapped[((1 + z) * 20 + 3 + y) * 25 + 5 + x], block[(z * 7 + y) * 9 + x]);
    }

    [Fact]
    public void Float_raw_maps_nan_to_black_and_clips_outliers()
    {
        using var folder = new TempFolder();
        var raw = new float[2, 40, 50];
        var random = new Random(3);
        for (var z = 0; z < 2; z++) for (var y = 0; y < 40; y++) for (var x = 0; x < 50; x++) raw[z, y, x] = (float)random.NextDouble();
        raw[0, 0, 0] = float.NaN;
        raw[0, 0, 1] = 1e6f;   // a hot pixel must not squeeze the contrast of everything else
        raw[1, 5, 5] = -1e6f;
        using var file = CremiFile.Open(Write(folder, raw));

        var window = file.RawIntensity!;
        Assert.Equal("float32", window.StoredType);
        Assert.InRange(window.Low, 0, 0.01);
        Assert.InRange(window.High, 0.99, 1.0);
        var mapped = file.ReadRaw().Data;
        Assert.Equal(0, mapped[0]);
        Assert.Equal(255, mapped[1]);
        Assert.Equal(0, mapped[(1 * 40 + 5) * 50 + 5]);
        var interior = mapped.Where((_, k) => k > 1).Average(v => (double)v);
        Assert.InRange(interior, 120, 135); // uniform on [0,1) stays spread over the whole range
    }

    [Fact]
    public void Uint8_raw_is_read_as_it_is()
    {
        using var folder = new TempFolder();
        var raw = new byte[1, 2, 3] { { { 0, 7, 255 }, { 1, 2, 3 } } };
        using var file = CremiFile.Open(Write(folder, raw));
        Assert.Null(file.RawIntensity);
        Assert.Equal(new byte[] { 0, 7, 255, 1, 2, 3 }, file.ReadRaw().Data);
    }
}
