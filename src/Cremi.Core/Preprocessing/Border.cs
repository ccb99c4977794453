using Cremi.Core.Sampling;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// OpenCV's <c>borderInterpolate</c> for the two border modes its functions use here, so that pixels near the
/// section edge see exactly the neighbours OpenCV gives them.
/// </summary>
internal static class Border
{
    /// <summary>BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba): OpenCV's default, the same mirror as window sampling.</summary>
    public static int Reflect101(int p, int length) => Reflection.Index(p, length);

    /// <summary>BORDER_REPLICATE (aaaaaa|abcdefgh|hhhhhhh).</summary>
    public static int Replicate(int p, int length) => Math.Clamp(p, 0, length - 1);

    /// <summary>Source column of every position of a row padded by <paramref name="radius"/> on each side.</summary>
    public static int[] Map(int length, int radius, Func<int, int, int> mode)
    {
        var map = new int[length + 2 * radius];
        for (var i = 0; i < map.Length; i++) map[i] = mode(i - radius, length);
        return map;
    }
}
