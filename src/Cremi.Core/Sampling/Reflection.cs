namespace Cremi.Core.Sampling;

/// <summary>
/// Border handling by mirror reflection without repeating the edge voxel (numpy's "reflect", OpenCV's
/// BORDER_REFLECT_101): index -1 maps to 1, n maps to n-2. Windows larger than the volume keep reflecting.
/// </summary>
public static class Reflection
{
    public static int Index(int i, int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "axis length must be positive");
        if ((uint)i < (uint)n) return i;
        if (n == 1) return 0;
        var period = 2 * n - 2;
        var m = i % period;
        if (m < 0) m += period;
        return m < n ? m : period - m;
    }
}
