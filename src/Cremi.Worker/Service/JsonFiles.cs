using System.Text.Json;
using System.Text.Json.Serialization;
using Cremi.Worker.Cli;

namespace Cremi.Worker.Service;

/// <summary>The worker's JSON (job.json, error.json, /jobs): camelCase, enums as names, written atomically.</summary>
internal static class JsonFiles
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write<T>(string path, T value) => OutputFile.WriteAllText(path, JsonSerializer.Serialize(value, Options));

    public static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new IOException($"{path}: empty JSON");
}
