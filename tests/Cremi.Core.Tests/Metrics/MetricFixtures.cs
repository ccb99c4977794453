using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Metrics;

/// <summary>
/// Reads what Fixtures/Metrics/make_fixtures.py wrote with scipy 1.10 (Debian 12): fixtures.json for shapes and
/// scalars, gzip'd little-endian C-order arrays for volumes.
/// </summary>
internal static class MetricFixtures
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Metrics");
    private static readonly Lazy<JsonDocument> Document =
        new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "fixtures.json"))));

    /// <summary>The cases of one group ("edt", "metrics", "labels", "hysteresis") by name, for xunit's MemberData.</summary>
    public static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var c in Document.Value.RootElement.GetProperty(group).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static JsonElement Case(string group, string name) =>
        Document.Value.RootElement.GetProperty(group).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static Shape3 ShapeOf(JsonElement c)
    {
        var s = c.GetProperty("shape");
        return new Shape3(s[0].GetInt32(), s[1].GetInt32(), s[2].GetInt32());
    }

    public static VoxelSize SamplingOf(JsonElement c)
    {
        var s = c.GetProperty("sampling");
        return new VoxelSize(s[0].GetDouble(), s[1].GetDouble(), s[2].GetDouble());
    }

    public static T[] Array<T>(JsonElement c, string property) where T : unmanaged
    {
        using var file = File.OpenRead(Path.Combine(Folder, c.GetProperty(property).GetString()!));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return MemoryMarshal.Cast<byte, T>(bytes.ToArray()).ToArray();
    }

    public static bool[] Mask(JsonElement c, string property) => Array<byte>(c, property).Select(b => b != 0).ToArray();

    /// <summary>Label codes back to CREMI uint64 labels: 0 background, 254 ignore, else the cleft id.</summary>
    public static Volume<ulong> Labels(JsonElement c, string property, VoxelSize resolution) =>
        new(ShapeOf(c), Array<byte>(c, property).Select(code => code switch
        {
            0 => CleftLabel.Background,
            254 => CleftLabel.Ignore,
            _ => (ulong)code,
        }).ToArray(), resolution);

    public static double Expected(JsonElement c, string key) => c.GetProperty("expected").GetProperty(key).GetDouble();
}
