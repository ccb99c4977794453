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
    public static TrainingVolume Load(string path, PreprocessingSpec preprocessing)
    {
        using var file = CremiFile.Open(path);
        file.Require(CremiDatasets.Raw | CremiDatasets.Clefts);
        var classes = new Volume<byte>(file.Shape, file.Resolution, file.Offset);
        foreach (var (z0, slab) in file.ReadCleftSlabs(8))
        {
            var target = classes.Data.AsSpan((int)file.Shape.Index(z0, 0, 0), (int)slab.Shape.Count);
            for (var i = 0; i < target.Length; i++) target[i] = VoxelClass.Of(slab.Data[i]);
        }
        var image = preprocessing.Apply(file.ReadRaw());
        return new TrainingVolume(Path.GetFileName(path), image, classes);
    }
}
