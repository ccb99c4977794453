using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cremi.Learning.Training;

/// <summary>JSON settings for model files and checkpoints: camelCase, enums as names, tuples by their fields.</summary>
internal static class TrainingJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        IncludeFields = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
