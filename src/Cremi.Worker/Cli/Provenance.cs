using System.Reflection;

namespace Cremi.Worker.Cli;

/// <summary>Attributes that say who wrote an output file, when and how: written into every HDF5 file we make.</summary>
public static class Provenance
{
    public static string Version { get; } =
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Provenance).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static Dictionary<string, string> For(string command, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var result = new Dictionary<string, string>
        {
            ["tool"] = "cremi",
            ["tool_version"] = Version,
            ["command"] = command,
            ["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        foreach (var (key, value) in extra ?? []) result[key] = value;
        return result;
    }
}
