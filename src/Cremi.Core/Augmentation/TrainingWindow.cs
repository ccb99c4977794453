using Cremi.Core.Volumes;

namespace Cremi.Core.Augmentation;

/// <summary>
/// One training example before it becomes a tensor: the preprocessed image and its voxel classes
/// (<see cref="VoxelClass"/>) over the same window, C order (z, y, x). Augmentations change both in place.
/// </summary>
public sealed class TrainingWindow
{
    public TrainingWindow(Shape3 shape, float[] image, byte[] labels)
    {
        if (image.Length != shape.Count || labels.Length != shape.Count)
            throw new ArgumentException($"image ({image.Length}) and labels ({labels.Length}) must both hold {shape.Count} voxels of {shape}");
        Shape = shape;
        Image = image;
        Labels = labels;
    }

    public Shape3 Shape { get; private set; }
    public float[] Image { get; private set; }
    public byte[] Labels { get; private set; }

    /// <summary>Swaps in transformed arrays (a transposition changes the shape when Y != X).</summary>
    internal void Replace(Shape3 shape, float[] image, byte[] labels)
    {
        Shape = shape;
        Image = image;
        Labels = labels;
    }
}

/// <summary>What a training voxel is: the CREMI labels reduced to what the loss needs.</summary>
public static class VoxelClass
{
    public const byte Background = 0;
    public const byte Cleft = 1;

    /// <summary>Unknown (CREMI's 0xFFFFFFFFFFFFFFFE): excluded from the loss and from scores.</summary>
    public const byte Ignore = 2;

    public static byte Of(ulong label) =>
        label == CleftLabel.Ignore ? Ignore : CleftLabel.IsCleft(label) ? Cleft : Background;
}
