using Cremi.Core.Augmentation;
using Cremi.Core.Preprocessing;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Hdf5;

namespace Cremi.Worker.Workflows;

/// <summary>
/// Loads annotated CREMI files for training: raw preprocessed as the model will see it at inference, labels
/// reduced to voxel classes slab by slab (one byte per voxel; the uint64 labels are never held whole).
/// </summary>
public static class TrainingData
{
    /// <param name="pixels">The voxel size the network is planned for (the first training file's): a file whose
    /// in-plane pixels differ by more than 15 % is resized to it (<see cref="ResolutionMismatch.InPlaneGrid"/>), the
    /// image by interpolation before preprocessing, the classes by nearest pixel. Null: every file as stored.</param>
    public static TrainingVolume Load(string path, PreprocessingSpec preprocessing, VoxelSize? pixels = null)
    {
        using var file = CremiFile.Open(path);
        file.Require(CremiDatasets.Raw | CremiDatasets.Clefts);
        var classes = new Volume<byte>(file.Shape, file.Resolution, file.Offset);
        foreach (var (z0, slab) in file.ReadCleftSlabs(8))
        {
            var target = classes.Data.AsSpan((int)file.Shape.Index(z0, 0, 0), (int)slab.Shape.Count);
            for (var i = 0; i < target.Length; i++) target[i] = VoxelClass.Of(slab.Data[i]);
        }
        var raw = file.ReadRaw();
        if (pixels is { } wanted && ResolutionMismatch.InPlaneGrid(file.Shape, file.Resolution, wanted) is { } grid)
        {
            raw = InPlaneResampling.Resample(raw, grid.Y, grid.X);
            classes = InPlaneResampling.Nearest(classes, grid.Y, grid.X);
        }
        return new TrainingVolume(Path.GetFileName(path), preprocessing.Apply(raw), classes);
    }
}
