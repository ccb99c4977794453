using Cremi.Core.Volumes;

namespace Cremi.Core.Training;

/// <summary>
/// A batch as flat arrays, (N, Z, Y, X) C order: what the learning layer turns into tensors on its own thread.
/// <see cref="CleftWindows"/> counts the windows that hold at least one cleft voxel (for logs).
/// </summary>
public sealed record TrainingBatch(int Count, Shape3 Window, float[] Images, byte[] Classes, int CleftWindows);
