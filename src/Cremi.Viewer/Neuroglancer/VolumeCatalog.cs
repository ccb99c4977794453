using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// The volumes registered at start, by opaque name: "raw" and "truth" (the data file's image and true clefts),
/// "mask" (the mask file's clefts) and "probability" (a probability map, the mask's or else the data file's).
/// Both files are opened and checked here, so a bad file fails the start, not a chunk request later.
/// </summary>
public sealed class VolumeCatalog
{
    /// <summary>
    /// Chunk shape (z, y, x): that of the files we write, so a chunk request decodes exactly one HDF5 chunk; small
    /// enough for quick first pictures, large enough that a section of a CREMI sample is about 100 requests.
    /// </summary>
    public static Shape3 DefaultChunkShape { get; } = new(8, 128, 128);

    private readonly Dictionary<string, ServedLayer> _layers;

    private VolumeCatalog(IReadOnlyList<ServedLayer> layers, CleftPosition position)
    {
        Layers = layers;
        Position = position;
        _layers = layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<ServedLayer> Layers { get; }

    /// <summary>Where the viewer opens: a cleft voxel when there are clefts, else the middle of the volume.</summary>
    public CleftPosition Position { get; }

    public ServedLayer? Find(string name) => _layers.GetValueOrDefault(name);

    /// <summary>Opens DATA (needs volumes/raw) and, if given, MASK (needs clefts or predictions, same shape).</summary>
    /// <exception cref="CremiFileException">for every problem of either file.</exception>
    public static VolumeCatalog Open(string dataPath, string? maskPath = null, Shape3? chunkShape = null)
    {
        var chunk = chunkShape ?? DefaultChunkShape;
        var layers = new List<ServedLayer>();
        using var data = CremiFile.Open(dataPath);
        data.Require(CremiDatasets.Raw);
        layers.Add(Layer("raw", "raw", LayerKind.Raw, data, chunk));
        if (data.HasClefts) layers.Add(Layer("truth", "ground truth", LayerKind.Clefts, data, chunk));

        using var mask = maskPath is null ? null : CremiFile.Open(maskPath);
        if (mask is not null)
        {
            if (mask.Shape != data.Shape)
                throw new CremiFileException(maskPath!, $"mask shape {mask.Shape} differs from {dataPath} shape {data.Shape}");
            if (!mask.HasClefts && !mask.HasPredictions)
                throw new CremiFileException(maskPath!, $"no cleft labels or predictions to show (expected '{CremiPaths.Clefts}', '{CremiPaths.Predictions}' or a mask's 'data')");
            if (mask.HasClefts) layers.Add(Layer("mask", "mask", LayerKind.Clefts, mask, chunk));
        }
        var probabilities = mask is { HasPredictions: true } ? mask : data.HasPredictions ? data : null;
        if (probabilities is not null) layers.Add(Layer("probability", "probability", LayerKind.Probability, probabilities, chunk));

        // The mask is what the user came to look at; the ground truth when there is no mask.
        var cleftSource = mask is { HasClefts: true } ? mask : data.HasClefts ? data : null;
        var position = cleftSource is null ? CleftPosition.Middle(data.Shape) : CleftPosition.Find(cleftSource);
        return new VolumeCatalog(layers, position);
    }

    private static ServedLayer Layer(string name, string title, LayerKind kind, CremiFile file, Shape3 chunk)
    {
        var info = new FileInfo(file.Path);
        var version = $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}";
        var clipped = new Shape3(Math.Min(chunk.Z, file.Shape.Z), Math.Min(chunk.Y, file.Shape.Y), Math.Min(chunk.X, file.Shape.X));
        return new ServedLayer(name, title, kind, Path.GetFullPath(file.Path), file.Shape, file.Resolution,
            VoxelOffset.Of(file.Offset, file.Resolution), clipped, version);
    }
}
