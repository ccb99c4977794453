using Cremi.Learning.Tensors;
using Cremi.Core.Augmentation;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Targets;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// A batch on the device: input (N,1,Z,Y,X), the target for the chosen <see cref="TargetKind"/>, and a mask of the
/// voxels that count (CREMI's "ignore" label is left out of the loss and of every score).
/// Created inside the caller's dispose scope.
/// </summary>
public sealed record BatchTensors(Tensor Input, Tensor Target, Tensor Keep, Tensor IsCleft)
{
    public static BatchTensors From(TrainingBatch batch, TargetKind kind, VoxelSize resolution, DistanceTarget? distance, Device device)
    {
        long[] shape = [batch.Count, 1, batch.Window.Z, batch.Window.Y, batch.Window.X];
        var input = HostCopy.ToTensor(batch.Images, shape).to(device);
        var classes = HostCopy.ToTensor(batch.Classes, shape).to(device);
        var isCleft = ScalarMath.Equal(classes, VoxelClass.Cleft);
        var keep = ScalarMath.NotEqual(classes, VoxelClass.Ignore);
        var target = kind == TargetKind.Binary
            ? isCleft.to_type(ScalarType.Float32)
            : HostCopy.ToTensor(DistanceTargets(batch, resolution, distance ?? new DistanceTarget()), shape).to(device);
        return new BatchTensors(input, target, keep, isCleft);
    }

    private static float[] DistanceTargets(TrainingBatch batch, VoxelSize resolution, DistanceTarget distance)
    {
        var n = (int)batch.Window.Count;
        var result = new float[batch.Classes.Length];
        Parallel.For(0, batch.Count, i =>
        {
            var cleft = new bool[n];
            for (var v = 0; v < n; v++) cleft[v] = batch.Classes[i * n + v] == VoxelClass.Cleft;
            distance.Compute(cleft, batch.Window, resolution).CopyTo(result, i * n);
        });
        return result;
    }
}
