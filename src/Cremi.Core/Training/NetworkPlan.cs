using Cremi.Core.Volumes;

namespace Cremi.Core.Training;

/// <summary>
/// Network shape and training window planned from the voxel size, as nnU-Net plans them: axes are pooled together
/// only once their spacings are within <see cref="AnisotropyForInPlaneOnly"/> of each other, and the window covers
/// about the same physical extent on every axis. CREMI-like voxels (40x4x4 nm within
/// <see cref="ResolutionMismatch.Tolerance"/>) keep the measured defaults: 2 in-plane levels and 16x128x128 windows
/// (640 x 512 x 512 nm). Isotropic FIB-SEM (8x8x8 nm) gets a fully 3D network and 64x64x64 windows.
/// </summary>
public static class NetworkPlan
{
    /// <summary>The z spacing over the in-plane spacing above which a level convolves and pools in-plane only (nnU-Net: 3).</summary>
    public const double AnisotropyForInPlaneOnly = 3;

    /// <summary>Voxels per training window: 16x128x128, the size our CPU and GPU measurements were made with.</summary>
    public const long WindowVoxels = 16L * 128 * 128;

    public static readonly Shape3 CremiWindow = new(16, 128, 128);
    public const int CremiInPlaneLevels = 2;

    public static bool IsCremiLike(VoxelSize resolution) => ResolutionMismatch.Describe(resolution, VoxelSize.Cremi) is null;

    /// <summary>How many of the top levels of a <paramref name="depth"/>-level U-Net pool (1,2,2) before pooling in 3D.</summary>
    public static int InPlaneLevels(VoxelSize resolution, int depth)
    {
        if (!resolution.IsValid) throw new ArgumentException($"invalid voxel size {resolution}", nameof(resolution));
        if (IsCremiLike(resolution)) return Math.Min(CremiInPlaneLevels, Math.Max(0, depth - 1));
        var inPlane = Math.Min(resolution.Y, resolution.X);
        var levels = 0;
        while (levels < depth - 1 && resolution.Z / inPlane >= AnisotropyForInPlaneOnly)
        {
            levels++;
            inPlane *= 2;
        }
        return levels;
    }

    /// <summary>
    /// A window of about <see cref="WindowVoxels"/> whose sides span similar lengths in nm, each a multiple of
    /// <paramref name="multiple"/> (the network's total pooling per axis), and no deeper than
    /// <paramref name="thinnest"/>, the part trained on of the thinnest training volume, where that is known
    /// (<see cref="FitDepth"/>).
    /// </summary>
    public static Shape3 Window(VoxelSize resolution, Shape3 multiple, Shape3? thinnest = null)
    {
        var planned = PhysicalWindow(resolution, multiple);
        return thinnest is { } volume ? FitDepth(planned, volume, multiple) : planned;
    }

    /// <summary>
    /// The window for a training volume thinner than <paramref name="window"/>: as deep as the volume (down to a
    /// multiple of the z pooling), its in-plane sides grown to keep about the same voxels as far as the volume's own
    /// sides allow (as nnU-Net clips its patch to the image and spends the rest on the other axes). A 10-section volume
    /// trained on 16-section windows spends 6 of them on reflections; 10x160x160 windows hold 1.56 times its real voxels
    /// for the same work a step.
    /// </summary>
    public static Shape3 FitDepth(Shape3 window, Shape3 volume, Shape3 multiple)
    {
        if (volume.IsEmpty) throw new ArgumentOutOfRangeException(nameof(volume), volume, "a training volume has at least one voxel");
        var z = Math.Max(multiple.Z, volume.Z / multiple.Z * multiple.Z);
        if (z >= window.Z) return window;
        var grow = Math.Sqrt((double)window.Z / z);
        return new Shape3(z, Grown(window.Y, volume.Y, multiple.Y), Grown(window.X, volume.X, multiple.X));

        int Grown(int side, int room, int step) => Math.Max(side, Math.Min(RoundTo(side * grow, step), room / step * step));
    }

    private static Shape3 PhysicalWindow(VoxelSize resolution, Shape3 multiple)
    {
        if (!resolution.IsValid) throw new ArgumentException($"invalid voxel size {resolution}", nameof(resolution));
        if (IsCremiLike(resolution) && CremiWindow.Z % multiple.Z == 0 && CremiWindow.Y % multiple.Y == 0 && CremiWindow.X % multiple.X == 0)
            return CremiWindow;
        var inPlane = Math.Min(resolution.Y, resolution.X);
        // z * side^2 = voxels with z * resZ = side * resXY  =>  side^3 = voxels * resZ / resXY.
        var side = Math.Cbrt(WindowVoxels * resolution.Z / inPlane);
        var z = side * inPlane / resolution.Z;
        return new Shape3(RoundTo(z, multiple.Z), RoundTo(side, multiple.Y), RoundTo(side, multiple.X));
    }

    private static int RoundTo(double value, int multiple) => Math.Max(multiple, (int)Math.Round(value / multiple) * multiple);
}
