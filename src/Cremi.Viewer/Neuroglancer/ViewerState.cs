using System.Text.Json.Nodes;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// The Neuroglancer state that opens the served volumes side by side: raw, ground truth (one green), the mask (one
/// colour per cleft id) and the probability map (red), centred on a cleft. Data sources must be absolute URLs.
/// </summary>
public static class ViewerState
{
    /// <summary>
    /// Red with the probability as opacity. toNormalized maps uint8 to 0..1; a shader that does not compile would
    /// silently fall back to grey, so it stays this simple.
    /// </summary>
    public const string ProbabilityShader = "void main() {\n  emitRGBA(vec4(1.0, 0.0, 0.0, toNormalized(getDataValue())));\n}\n";

    /// <summary>Where `cremi display` serves its volumes; the worker serves each job's under /jobs/{id}/data/.</summary>
    public const string DefaultDataRoot = "/data/";

    public static JsonObject For(VolumeCatalog catalog, Uri baseAddress, string dataRoot = DefaultDataRoot)
    {
        var reference = catalog.Layers[0];
        var layers = new JsonArray();
        foreach (var layer in catalog.Layers)
            layers.Add(Layer(layer, baseAddress, dataRoot));
        var p = catalog.Position;
        var o = reference.VoxelOffset;
        return new JsonObject
        {
            ["dimensions"] = new JsonObject
            {
                ["x"] = Metres(reference.Resolution.X),
                ["y"] = Metres(reference.Resolution.Y),
                ["z"] = Metres(reference.Resolution.Z),
            },
            // Voxel centres: Neuroglancer's coordinates count voxel corners.
            ["position"] = new JsonArray(o.X + p.X + 0.5, o.Y + p.Y + 0.5, o.Z + p.Z + 0.5),
            ["crossSectionScale"] = 1.0,
            ["projectionScale"] = 2.0 * Math.Max(reference.Shape.X, reference.Shape.Y),
            ["layers"] = layers,
            ["selectedLayer"] = new JsonObject { ["layer"] = catalog.Layers[^1].Name, ["visible"] = false },
            ["layout"] = "xy",
        };
    }

    /// <summary>The viewer URL with the state in the fragment: `/#!` + URL-encoded JSON, usable without a server round trip.</summary>
    public static Uri ViewerUrl(VolumeCatalog catalog, Uri baseAddress, string? token = null, string dataRoot = DefaultDataRoot,
        string viewerPath = "/")
    {
        var query = token is null ? "" : "?token=" + Uri.EscapeDataString(token);
        var json = For(catalog, baseAddress, dataRoot).ToJsonString();
        return new Uri(baseAddress, viewerPath + query + "#!" + Uri.EscapeDataString(json));
    }

    public static string Source(ServedLayer layer, Uri baseAddress, string dataRoot = DefaultDataRoot) =>
        "precomputed://" + new Uri(baseAddress, dataRoot + layer.Name).AbsoluteUri;

    private static JsonObject Layer(ServedLayer layer, Uri baseAddress, string dataRoot)
    {
        var json = new JsonObject
        {
            ["type"] = layer.Kind == LayerKind.Clefts ? "segmentation" : "image",
            ["source"] = Source(layer, baseAddress, dataRoot),
            ["name"] = layer.Name,
        };
        switch (layer.Kind)
        {
            case LayerKind.Clefts:
                // No segment listed: cross-sections then show every cleft, each in its id's colour.
                json["segments"] = new JsonArray();
                json["selectedAlpha"] = 0.6;
                if (layer.Name == "truth") json["segmentDefaultColor"] = "#00ff00";
                break;
            case LayerKind.Probability:
                json["shader"] = ProbabilityShader;
                json["opacity"] = 0.6;
                break;
        }
        return json;
    }

    private static JsonArray Metres(double nm) => new(nm * 1e-9, "m");
}
