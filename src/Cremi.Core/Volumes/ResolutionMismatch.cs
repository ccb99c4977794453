namespace Cremi.Core.Volumes;

/// <summary>
/// Whether a network meets data at another voxel size than it was trained on. A U-Net's filters are tuned to a
/// physical scale (a cleft is a few pixels thick at 4 nm and twice as thin at 8 nm), so a model applied across
/// resolutions silently loses most of its accuracy. Within <see cref="Tolerance"/> per axis counts as the same.
/// </summary>
public static class ResolutionMismatch
{
    /// <summary>Relative difference per axis still taken as the same resolution (e.g. 4 vs 4.4 nm pixels).</summary>
    public const double Tolerance = 0.15;

    /// <summary>
    /// The (y, x) size a volume of <paramref name="shape"/> takes at the model's in-plane pixel size, or null when
    /// both in-plane axes already agree within the tolerance (or either voxel size is unknown).
    /// </summary>
    public static (int Y, int X)? InPlaneGrid(Shape3 shape, VoxelSize data, VoxelSize trained)
    {
        if (!data.IsValid || !trained.IsValid) return null;
        if (Math.Abs(data.Y / trained.Y - 1) <= Tolerance && Math.Abs(data.X / trained.X - 1) <= Tolerance) return null;
        return (Math.Max(1, (int)Math.Round(shape.Y * data.Y / trained.Y)), Math.Max(1, (int)Math.Round(shape.X * data.X / trained.X)));
    }

    /// <summary>A one-line description of the mismatch, or null when every axis agrees within the tolerance.</summary>
    public static string? Describe(VoxelSize data, VoxelSize trained)
    {
        if (!data.IsValid || !trained.IsValid) return null;
        var ratios = new[] { data.Z / trained.Z, data.Y / trained.Y, data.X / trained.X };
        if (ratios.All(r => Math.Abs(r - 1) <= Tolerance)) return null;
        return $"the data's voxels are {data} but the model was trained on {trained} (z,y,x scale {ratios[0]:0.##}x, " +
               $"{ratios[1]:0.##}x, {ratios[2]:0.##}x): its accuracy there is unknown; resample the data to the model's " +
               "resolution or train on data of this resolution";
    }
}
