namespace Cremi.Core.Volumes;

/// <summary>
/// A dense 3D array in C order (z slowest, x fastest) with its voxel size and world offset.
/// The flat layout is exactly that of an HDF5 (z, y, x) dataset, so blocks move to and from files without reordering.
/// </summary>
public sealed class Volume<T> where T : unmanaged
{
    public Volume(Shape3 shape, T[] data, VoxelSize resolution, Offset3 offset = default)
    {
        if (shape.IsEmpty) throw new ArgumentException($"volume shape {shape} is empty", nameof(shape));
        if (data.LongLength != shape.Count)
            throw new ArgumentException($"{data.LongLength} values do not fill a {shape} volume", nameof(data));
        Shape = shape;
        Data = data;
        Resolution = resolution;
        Offset = offset;
    }

    public Volume(Shape3 shape, VoxelSize resolution, Offset3 offset = default)
        : this(shape, new T[shape.Count], resolution, offset) { }

    public Shape3 Shape { get; }
    public T[] Data { get; }
    public VoxelSize Resolution { get; }
    public Offset3 Offset { get; }

    public ref T this[int z, int y, int x] => ref Data[Shape.Index(z, y, x)];

    /// <summary>The voxels of section z, y-major.</summary>
    public Span<T> Section(int z) => Data.AsSpan(z * Shape.SectionSize, Shape.SectionSize);

    /// <summary>A new volume of the same geometry holding other values.</summary>
    public Volume<TOut> With<TOut>(TOut[] data) where TOut : unmanaged => new(Shape, data, Resolution, Offset);

    /// <summary>Copies the block starting at (z0, y0, x0) with the given shape; it must lie inside the volume.</summary>
    public Volume<T> Crop(int z0, int y0, int x0, Shape3 shape)
    {
        if (z0 < 0 || y0 < 0 || x0 < 0 || z0 + shape.Z > Shape.Z || y0 + shape.Y > Shape.Y || x0 + shape.X > Shape.X)
            throw new ArgumentOutOfRangeException(nameof(shape), $"block {shape} at ({z0},{y0},{x0}) leaves volume {Shape}");
        var result = new T[shape.Count];
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
            Data.AsSpan((int)Shape.Index(z0 + z, y0 + y, x0), shape.X)
                .CopyTo(result.AsSpan((int)shape.Index(z, y, 0), shape.X));
        var offset = new Offset3(Offset.Z + z0 * Resolution.Z, Offset.Y + y0 * Resolution.Y, Offset.X + x0 * Resolution.X);
        return new Volume<T>(shape, result, Resolution, offset);
    }
}
