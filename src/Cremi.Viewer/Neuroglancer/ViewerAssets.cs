using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// The Neuroglancer client (index.html and its bundles) as embedded in this assembly by build/Neuroglancer.targets.
/// Served only by exact file name from this fixed set, so no request can name anything else. Each file is held
/// once plain and once gzipped (about 2.5 MB plus 0.7 MB) because every page load asks for all of them.
/// </summary>
public sealed class ViewerAssets
{
    private const string Prefix = "neuroglancer/";

    private readonly FrozenDictionary<string, Asset> _files;

    private ViewerAssets(FrozenDictionary<string, Asset> files) => _files = files;

    public static ViewerAssets Embedded { get; } = Load();

    /// <summary>The Neuroglancer version the build pinned.</summary>
    public static string Version { get; } =
        typeof(ViewerAssets).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NeuroglancerVersion")?.Value ?? "unknown";

    /// <summary>False when the build could not fetch the viewer (no npm): data is still served.</summary>
    public bool IsAvailable => _files.ContainsKey("index.html");

    /// <summary>Why the viewer is missing, for the user.</summary>
    public static string MissingReason =>
        $"the Neuroglancer viewer {Version} is not in this build (npm was not available when it was built); " +
        "install Node.js with npm and rebuild; data URLs work without it";

    public IReadOnlyCollection<string> Names => _files.Keys;

    public Asset? Find(string name) => _files.GetValueOrDefault(name);

    private static ViewerAssets Load()
    {
        var assembly = typeof(ViewerAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var plain = new MemoryStream();
            stream.CopyTo(plain);
            var name = resource[Prefix.Length..];
            files[name] = new Asset(name, ContentType(name), plain.ToArray(), Gzip(plain.ToArray()));
        }
        return new ViewerAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    public sealed record Asset(string Name, string ContentType, byte[] Plain, byte[] Gzipped);
}
