using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cremi.Worker.Service;

/// <summary>
/// A *.job.json dropped in the inbox, e.g.
/// {"kind":"train","inputs":["/data/a.hdf"],"options":{"epochs":2,"window":"8,32,32"}} or
/// {"kind":"generate","inputs":["b.hdf"],"model":"/models/m.cremi","options":{"threshold":0.4}}.
/// Relative paths are relative to the inbox; the files they name are read where they are, never moved.
/// Option names are those of the verb's options (`cremi train --help`), in any case, dashes allowed.
/// </summary>
public sealed record JobManifest(JobKind Kind, IReadOnlyList<string> Inputs, IReadOnlyList<string> Validation, string? Model,
    IReadOnlyDictionary<string, string> Options)
{
    public static JobManifest Parse(string path, string baseFolder)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ManifestException(path, "is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ManifestException(path, $"is not valid JSON: {e.Message}");
        }
        foreach (var key in root.Select(p => p.Key))
            if (key is not ("kind" or "inputs" or "val" or "model" or "options"))
                throw new ManifestException(path, $"unknown key '{key}' (expected kind, inputs, val, model, options)");
        var kindText = root["kind"]?.GetValue<string>() ?? throw new ManifestException(path, "has no \"kind\" (train, generate or test)");
        var kind = kindText switch
        {
            "train" => JobKind.Train,
            "generate" => JobKind.Generate,
            "test" => JobKind.Test,
            _ => throw new ManifestException(path, $"kind '{kindText}' is not train, generate or test"),
        };
        var inputs = Paths(root["inputs"], "inputs");
        if (inputs.Count == 0) throw new ManifestException(path, "has no \"inputs\" (a list of CREMI files)");
        if (kind != JobKind.Train && inputs.Count != 1) throw new ManifestException(path, $"a {kindText} job takes exactly one input");
        var model = root["model"]?.GetValue<string>() is { } m ? Resolve(m) : null;
        if (kind == JobKind.Train && model is not null) throw new ManifestException(path, "a train job makes a model; \"model\" is for generate and test");
        var options = new Dictionary<string, string>();
        if (root["options"] is JsonObject o)
            foreach (var (key, value) in o)
                options[key.Replace("-", "")] = value switch
                {
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    JsonValue v => v.ToJsonString(),
                    _ => throw new ManifestException(path, $"option '{key}' must be a string, number or boolean"),
                };
        var manifest = new JobManifest(kind, inputs, Paths(root["val"], "val"), model, options);
        foreach (var file in manifest.Inputs.Concat(manifest.Validation).Append(model ?? inputs[0]))
            if (!File.Exists(file)) throw new ManifestException(path, $"names '{file}', which does not exist");
        return manifest;

        string Resolve(string p) => Path.GetFullPath(p, baseFolder);
        List<string> Paths(JsonNode? node, string name) => node switch
        {
            null => [],
            JsonArray a => a.Select(n => n?.GetValue<string>() is { } s ? Resolve(s) : throw new ManifestException(path, $"\"{name}\" holds a non-string")).ToList(),
            _ => throw new ManifestException(path, $"\"{name}\" must be a list of paths"),
        };
    }
}

/// <summary>A manifest that cannot describe a job; the message names the file.</summary>
public sealed class ManifestException(string path, string problem) : Exception($"{path}: {problem}");
