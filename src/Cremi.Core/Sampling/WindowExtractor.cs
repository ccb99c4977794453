using Cremi.Core.Volumes;

namespace Cremi.Core.Sampling;

/// <summary>Copies windows out of volumes; parts outside the volume are filled by reflection (<see cref="Reflection"/>).</summary>
public static class WindowExtractor
{
    public static T[] Extract<T>(Volume<T> volume, Window window) where T : unmanaged
    {
        var result = new T[window.Shape.Count];
        ExtractInto(volume, window, result);
        return result;
    }

    /// <summary>Fills <paramref name="destination"/> (C order, window shape) without allocating.</summary>
    public static void ExtractInto<T>(Volume<T> volume, Window window, Span<T> destination) where T : unmanaged
    {
        var (shape, size) = (volume.Shape, window.Shape);
        if (destination.Length != size.Count)
            throw new ArgumentException($"destination holds {destination.Length} values, window {size} needs {size.Count}");
        var data = volume.Data;
        var inX = window.X >= 0 && window.X + size.X <= shape.X;
        var rowX = new int[size.X];
        for (var x = 0; x < size.X; x++) rowX[x] = Reflection.Index(window.X + x, shape.X);
        var target = 0;
        for (var z = 0; z < size.Z; z++)
        {
            var sz = Reflection.Index(window.Z + z, shape.Z);
            for (var y = 0; y < size.Y; y++, target += size.X)
            {
                var sy = Reflection.Index(window.Y + y, shape.Y);
                var row = shape.Index(sz, sy, 0);
                if (inX)
                {
                    data.AsSpan(checked((int)(row + window.X)), size.X).CopyTo(destination.Slice(target, size.X));
                    continue;
                }
                for (var x = 0; x < size.X; x++) destination[target + x] = data[row + rowX[x]];
            }
        }
    }

    /// <summary>A window as its own volume, with the world offset of its corner.</summary>
    public static Volume<T> ExtractVolume<T>(Volume<T> volume, Window window) where T : unmanaged
    {
        var r = volume.Resolution;
        var offset = new Offset3(volume.Offset.Z + window.Z * r.Z, volume.Offset.Y + window.Y * r.Y, volume.Offset.X + window.X * r.X);
        return new Volume<T>(window.Shape, Extract(volume, window), r, offset);
    }
}
