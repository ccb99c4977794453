using Cremi.Core.Augmentation;
using Cremi.Core.Volumes;

namespace Cremi.Core.Training;

/// <summary>A preprocessed image with its voxel classes (<see cref="VoxelClass"/>), ready to cut windows from.</summary>
public sealed class TrainingVolume
{
    public TrainingVolume(string name, Volume<float> image, Volume<byte> classes)
    {
        if (image.Shape != classes.Shape)
            throw new ArgumentException($"{name}: image {image.Shape} and labels {classes.Shape} differ in shape");
        Name = name;
        Image = image;
        Classes = classes;
    }

    public string Name { get; }
    public Volume<float> Image { get; }
    public Volume<byte> Classes { get; }
    public Shape3 Shape => Image.Shape;

    /// <summary>Reduces CREMI uint64 labels to voxel classes (one byte per voxel instead of eight).</summary>
    public static Volume<byte> ClassesOf(Volume<ulong> labels) => labels.With(Array.ConvertAll(labels.Data, VoxelClass.Of));

    /// <summary>Sections [z0, z1) as their own volume (copied, so the two parts of a split share no voxel).</summary>
    public TrainingVolume Sections(int z0, int z1, string suffix) =>
        new($"{Name}{suffix}", Image.Crop(z0, 0, 0, Image.Shape with { Z = z1 - z0 }),
            Classes.Crop(z0, 0, 0, Classes.Shape with { Z = z1 - z0 }));

    public long CountCleftVoxels() => Classes.Data.LongCount(c => c == VoxelClass.Cleft);
}
