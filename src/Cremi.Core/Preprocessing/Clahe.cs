using Cremi.Core.Volumes;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// Contrast-limited adaptive histogram equalization per z-section, following OpenCV 4's
/// <c>cv2.createCLAHE(clipLimit, tileGridSize=(tilesX, tilesY)).apply</c> on uint8 step by step, because a model
/// trained on OpenCV's output must get the same numbers:
/// <list type="bullet">
/// <item>If the section does not divide into the grid, the tile histograms are taken from a copy padded at the
/// bottom and right with BORDER_REFLECT_101, by <c>tiles - size % tiles</c> along both axes (a whole extra tile
/// step along an axis that did divide: OpenCV's quirk, kept).</item>
/// <item>Clip limit in counts = max(1, (int)(clipLimit * tilePixels / 256)); clipLimit &lt;= 0 disables clipping.
/// The clipped excess is spread evenly, and its remainder one count every max(256 / remainder, 1) bins from 0.</item>
/// <item>Each tile's LUT is round(cumulative count * 255 / tilePixels) in float, and every pixel of the unpadded
/// section interpolates bilinearly between the four nearest tile centres (clamped at the edges).</item>
/// </list>
/// A flat section maps to one grey level; nothing divides by zero.
/// </summary>
public static class Clahe
{
    /// <param name="clipLimit">OpenCV's clipLimit (default 40); &lt;= 0 means plain tiled equalization.</param>
    /// <param name="tilesX">Tiles across x (the first number of OpenCV's tileGridSize).</param>
    /// <param name="tilesY">Tiles across y.</param>
    public static Volume<byte> Apply(Volume<byte> volume, double clipLimit = 40, int tilesX = 8, int tilesY = 8)
    {
        Validate(clipLimit, tilesX, tilesY);
        return Sections.Map<byte, byte>(volume, (s, d, h, w) => Run(s, d, h, w, clipLimit, tilesX, tilesY));
    }

    public static void ApplySection(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width,
        double clipLimit = 40, int tilesX = 8, int tilesY = 8)
    {
        Validate(clipLimit, tilesX, tilesY);
        Run(source, destination, height, width, clipLimit, tilesX, tilesY);
    }

    private static void Validate(double clipLimit, int tilesX, int tilesY)
    {
        if (double.IsNaN(clipLimit)) throw new ArgumentOutOfRangeException(nameof(clipLimit), "the clip limit is NaN");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tilesX);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tilesY);
    }

    private static void Run(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width,
        double clipLimit, int tilesX, int tilesY)
    {
        Sections.CheckSize(source.Length, destination.Length, height, width);
        var divisible = width % tilesX == 0 && height % tilesY == 0;
        var tileWidth = divisible ? width / tilesX : (width + tilesX - width % tilesX) / tilesX;
        var tileHeight = divisible ? height / tilesY : (height + tilesY - height % tilesY) / tilesY;
        var luts = TileLuts(source, height, width, clipLimit, tilesX, tilesY, tileWidth, tileHeight);
        Interpolate(source, destination, height, width, luts, tilesX, tilesY, tileWidth, tileHeight);
    }

    /// <summary>One 256-entry LUT per tile, row-major over tiles.</summary>
    private static byte[] TileLuts(ReadOnlySpan<byte> source, int height, int width, double clipLimit,
        int tilesX, int tilesY, int tileWidth, int tileHeight)
    {
        var tilePixels = tileWidth * tileHeight;
        var clip = clipLimit > 0 ? Math.Max((int)(clipLimit * tilePixels / 256), 1) : 0;
        var lutScale = 255f / tilePixels;
        var luts = new byte[tilesX * tilesY * 256];
        var histogram = new int[256];
        var columns = new int[tileWidth];
        for (var ty = 0; ty < tilesY; ty++)
        for (var tx = 0; tx < tilesX; tx++)
        {
            Array.Clear(histogram);
            for (var i = 0; i < tileWidth; i++) columns[i] = Border.Reflect101(tx * tileWidth + i, width);
            for (var i = 0; i < tileHeight; i++)
            {
                var row = source.Slice(Border.Reflect101(ty * tileHeight + i, height) * width, width);
                foreach (var x in columns) histogram[row[x]]++;
            }
            if (clip > 0) ClipAndRedistribute(histogram, clip);

            var lut = luts.AsSpan((ty * tilesX + tx) * 256, 256);
            var sum = 0;
            for (var i = 0; i < 256; i++)
            {
                sum += histogram[i];
                lut[i] = HistogramEqualization.SaturateByte(sum * lutScale);
            }
        }
        return luts;
    }

    private static void ClipAndRedistribute(int[] histogram, int clip)
    {
        var clipped = 0;
        for (var i = 0; i < 256; i++)
        {
            if (histogram[i] <= clip) continue;
            clipped += histogram[i] - clip;
            histogram[i] = clip;
        }
        var batch = clipped / 256;
        var residual = clipped - batch * 256;
        for (var i = 0; i < 256; i++) histogram[i] += batch;
        if (residual == 0) return;
        var step = Math.Max(256 / residual, 1);
        for (var i = 0; i < 256 && residual > 0; i += step, residual--) histogram[i]++;
    }

    /// <summary>OpenCV's float bilinear blend of the four surrounding tile LUTs, tile centres at (t + 0.5) * tileSize.</summary>
    private static void Interpolate(ReadOnlySpan<byte> source, Span<byte> destination, int height, int width,
        byte[] luts, int tilesX, int tilesY, int tileWidth, int tileHeight)
    {
        var left = new int[width];
        var right = new int[width];
        var rightWeight = new float[width];
        var leftWeight = new float[width];
        var inverseWidth = 1f / tileWidth;
        for (var x = 0; x < width; x++)
        {
            var t = x * inverseWidth - 0.5f;
            var t1 = (int)MathF.Floor(t);
            rightWeight[x] = t - t1;
            leftWeight[x] = 1f - rightWeight[x];
            left[x] = Math.Max(t1, 0) * 256;
            right[x] = Math.Min(t1 + 1, tilesX - 1) * 256;
        }

        var inverseHeight = 1f / tileHeight;
        for (var y = 0; y < height; y++)
        {
            var t = y * inverseHeight - 0.5f;
            var t1 = (int)MathF.Floor(t);
            var lowerWeight = t - t1;
            var upperWeight = 1f - lowerWeight;
            var upper = luts.AsSpan(Math.Max(t1, 0) * tilesX * 256, tilesX * 256);
            var lower = luts.AsSpan(Math.Min(t1 + 1, tilesY - 1) * tilesX * 256, tilesX * 256);
            var row = source.Slice(y * width, width);
            var output = destination.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                int v = row[x], a = left[x] + v, b = right[x] + v;
                var value = (upper[a] * leftWeight[x] + upper[b] * rightWeight[x]) * upperWeight
                          + (lower[a] * leftWeight[x] + lower[b] * rightWeight[x]) * lowerWeight;
                output[x] = HistogramEqualization.SaturateByte(value);
            }
        }
    }
}
