using System.Text.Json.Nodes;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// The precomputed `info` document of a layer: one scale, raw encoding. Everything in it is in Neuroglancer's
/// (x, y, z) order, the reverse of the file's (z, y, x).
/// </summary>
public static class PrecomputedInfo
{
    /// <summary>The key (URL folder) of the only scale.</summary>
    public const string ScaleKey = "s0";

    public static JsonObject For(ServedLayer layer) => new()
    {
        ["@type"] = "neuroglancer_multiscale_volume",
        ["type"] = layer.Kind == LayerKind.Clefts ? "segmentation" : "image",
        ["data_type"] = layer.DataType,
        ["num_channels"] = 1,
        ["scales"] = new JsonArray(new JsonObject
        {
            ["key"] = ScaleKey,
            ["size"] = new JsonArray(layer.Shape.X, layer.Shape.Y, layer.Shape.Z),
            ["resolution"] = new JsonArray(layer.Resolution.X, layer.Resolution.Y, layer.Resolution.Z),
            ["voxel_offset"] = new JsonArray(layer.VoxelOffset.X, layer.VoxelOffset.Y, layer.VoxelOffset.Z),
            ["chunk_sizes"] = new JsonArray(new JsonArray(layer.ChunkShape.X, layer.ChunkShape.Y, layer.ChunkShape.Z)),
            ["encoding"] = "raw",
        }),
    };
}
