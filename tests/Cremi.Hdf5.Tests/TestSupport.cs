using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Cremi.Core.Volumes;

namespace Cremi.Hdf5.Tests;

/// <summary>A fresh folder per test, removed afterwards, so tests can assert on exactly which files exist.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("cremi-hdf5-tests-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Names() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(PathOf(name))).RootElement;
}

internal static class Hashes
{
    /// <summary>SHA-256 of the flat little-endian bytes, as make_fixtures.py computes it with NumPy.</summary>
    public static string Sha256<T>(T[] values) where T : unmanaged =>
        Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
}

/// <summary>Deterministic test volumes from closed formulas (no Random: the values must never change).</summary>
internal static class TestVolumes
{
    public static readonly VoxelSize Resolution = new(40, 4, 4);

    public static Volume<byte> Raw(Shape3 shape, Offset3 offset = default) =>
        new(shape, Fill<byte>(shape, (z, y, x) => (byte)((x * 7 + y * 13 + z * 31 + ((x * y) ^ z)) & 0xFF)), Resolution, offset);

    /// <summary>Background everywhere, three boxes of clefts (one with a large id) and a band of ignore voxels.</summary>
    public static Volume<ulong> Clefts(Shape3 shape, Offset3 offset = default) =>
        new(shape, Fill<ulong>(shape, (z, y, x) =>
        {
            if (y == 0) return CleftLabel.Ignore;
            if (z % 5 < 3 && y is >= 3 and < 9 && x is >= 4 and < 20) return 7;
            if (z >= shape.Z / 2 && y >= shape.Y - 8 && x >= shape.X - 10) return (1UL << 40) + 3;
            if (z == 1 && y == shape.Y / 2) return 42;
            return CleftLabel.Background;
        }), Resolution, offset);

    public static Volume<byte> Predictions(Shape3 shape, Offset3 offset = default) =>
        new(shape, Fill<byte>(shape, (z, y, x) => (byte)Math.Min(255, (x + y + z) * 3)), Resolution, offset);

    private static T[] Fill<T>(Shape3 shape, Func<int, int, int, T> value) where T : unmanaged
    {
        var data = new T[shape.Count];
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
            data[shape.Index(z, y, x)] = value(z, y, x);
        return data;
    }
}
