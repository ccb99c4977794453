namespace Cremi.Core.Postprocessing;

/// <summary>
/// Which voxels belong to the objects being labelled. Implemented by structs so the generic labelling code is
/// specialised and the test inlined per voxel, whatever the input type.
/// </summary>
internal interface IForeground
{
    bool Contains(long index);
}

internal readonly struct TrueVoxels(bool[] mask) : IForeground
{
    public bool Contains(long index) => mask[index];
}

internal readonly struct NonZeroBytes(byte[] mask) : IForeground
{
    public bool Contains(long index) => mask[index] != 0;
}

internal readonly struct FloatsAtLeast(float[] values, float threshold) : IForeground
{
    public bool Contains(long index) => values[index] >= threshold;
}

internal readonly struct BytesAtLeast(byte[] values, byte threshold) : IForeground
{
    public bool Contains(long index) => values[index] >= threshold;
}
