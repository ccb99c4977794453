using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Preprocessing;

/// <summary>
/// Reads the volumes that Fixtures/Preprocessing/make_fixtures.py wrote with OpenCV 4.6 (Debian 12):
/// five little-endian int32 (dtype code 1 = uint8 or 4 = float32, z, y, x, 0) then C-order data.
/// </summary>
internal static class OpenCvFixtures
{
    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Preprocessing", name + ".bin");

    public static Volume<byte> Input => Bytes("input");

    public static Volume<byte> Bytes(string name) => Read<byte>(name, 1);

    public static Volume<float> Floats(string name) => Read<float>(name, 4);

    private static Volume<T> Read<T>(string name, int code) where T : unmanaged
    {
        var bytes = File.ReadAllBytes(PathOf(name));
        Span<int> header = stackalloc int[5];
        for (var i = 0; i < 5; i++) header[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        if (header[0] != code) throw new InvalidDataException($"{name}: dtype code {header[0]}, expected {code}");
        var shape = new Shape3(header[1], header[2], header[3]);
        var data = MemoryMarshal.Cast<byte, T>(bytes.AsSpan(20)).ToArray();
        return new Volume<T>(shape, data, VoxelSize.Cremi);
    }

    /// <summary>Largest |a - b| over all voxels.</summary>
    public static int MaxDifference(Volume<byte> actual, Volume<byte> expected)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var max = 0;
        for (var i = 0; i < actual.Data.Length; i++) max = Math.Max(max, Math.Abs(actual.Data[i] - expected.Data[i]));
        return max;
    }

    public static int CountDifferent(Volume<byte> actual, Volume<byte> expected)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        return actual.Data.Where((v, i) => v != expected.Data[i]).Count();
    }
}
