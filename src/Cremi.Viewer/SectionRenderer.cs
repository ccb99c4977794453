using Cremi.Core.Volumes;
using SkiaSharp;

namespace Cremi.Viewer;

/// <summary>How <see cref="SectionRenderer"/> draws a section.</summary>
public sealed record SectionRenderOptions
{
    /// <summary>Integer nearest-neighbour upscaling factor (1 = one pixel per voxel).</summary>
    public int Scale { get; init; } = 1;

    /// <summary>Opacity of the overlays, 0..1.</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Colour of ground-truth clefts.</summary>
    public SKColor TruthColor { get; init; } = new(0, 255, 0);

    /// <summary>Colour of predicted clefts (blended on top of the truth colour where both are set).</summary>
    public SKColor PredictedColor { get; init; } = new(255, 0, 255);

    /// <summary>Optional caption drawn at the top left with a colour legend; skipped when no font is available
    /// (SkiaSharp's NoDependencies build without fontconfig fonts).</summary>
    public string? Caption { get; init; }
}

/// <summary>Draws one z-section of raw EM (grey) with ground-truth and predicted clefts overlaid, as PNG.</summary>
public static class SectionRenderer
{
    /// <summary>
    /// Renders a section: <paramref name="raw"/> is y-major grey (height·width bytes); <paramref name="truth"/> and
    /// <paramref name="predicted"/> are optional (empty) cleft-id maps of the same size, a voxel being overlaid where
    /// <see cref="CleftLabel.IsCleft"/>. The caller disposes the bitmap.
    /// </summary>
    public static SKBitmap Render(int height, int width, ReadOnlySpan<byte> raw, ReadOnlySpan<ulong> truth = default,
        ReadOnlySpan<ulong> predicted = default, SectionRenderOptions? options = null)
    {
        options ??= new SectionRenderOptions();
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), "the section is empty");
        var size = height * width;
        if (raw.Length != size) throw new ArgumentException($"raw holds {raw.Length} values, not {height}x{width}", nameof(raw));
        if (!truth.IsEmpty && truth.Length != size) throw new ArgumentException("truth has the wrong size", nameof(truth));
        if (!predicted.IsEmpty && predicted.Length != size) throw new ArgumentException("predicted has the wrong size", nameof(predicted));
        var scale = options.Scale;
        if (scale < 1 || (long)height * scale * width * scale > 1L << 28)
            throw new ArgumentOutOfRangeException(nameof(options), $"scale {scale} is not usable");
        var alpha = (int)Math.Round(Math.Clamp(options.Alpha, 0f, 1f) * 256);

        var outW = width * scale;
        var bitmap = new SKBitmap(new SKImageInfo(outW, height * scale, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        Span<byte> line = new byte[outW * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                int r = raw[i], g = r, b = r;
                if (!truth.IsEmpty && CleftLabel.IsCleft(truth[i])) Blend(ref r, ref g, ref b, options.TruthColor, alpha);
                if (!predicted.IsEmpty && CleftLabel.IsCleft(predicted[i])) Blend(ref r, ref g, ref b, options.PredictedColor, alpha);
                for (var s = 0; s < scale; s++)
                {
                    var o = (x * scale + s) * 4;
                    line[o] = (byte)r; line[o + 1] = (byte)g; line[o + 2] = (byte)b; line[o + 3] = 255;
                }
            }
            for (var s = 0; s < scale; s++) line.CopyTo(pixels.Slice((y * scale + s) * outW * 4, outW * 4));
        }
        if (!string.IsNullOrEmpty(options.Caption)) DrawCaption(bitmap, options, !truth.IsEmpty, !predicted.IsEmpty);
        return bitmap;
    }

    /// <summary>The colour a grey value takes under an overlay of opacity alpha/256 (what <see cref="Render"/> writes).</summary>
    public static SKColor Overlay(byte grey, SKColor colour, float alpha)
    {
        int r = grey, g = grey, b = grey;
        Blend(ref r, ref g, ref b, colour, (int)Math.Round(Math.Clamp(alpha, 0f, 1f) * 256));
        return new SKColor((byte)r, (byte)g, (byte)b);
    }

    /// <summary>Renders and encodes as PNG.</summary>
    public static byte[] RenderPng(int height, int width, ReadOnlySpan<byte> raw, ReadOnlySpan<ulong> truth = default,
        ReadOnlySpan<ulong> predicted = default, SectionRenderOptions? options = null)
    {
        using var bitmap = Render(height, width, raw, truth, predicted, options);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders and writes a PNG to <paramref name="stream"/>.</summary>
    public static void WritePng(Stream stream, int height, int width, ReadOnlySpan<byte> raw, ReadOnlySpan<ulong> truth = default,
        ReadOnlySpan<ulong> predicted = default, SectionRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var bitmap = Render(height, width, raw, truth, predicted, options);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(stream);
    }

    /// <summary>Section z of a raw volume, with optional truth/prediction volumes of the same shape.</summary>
    public static byte[] RenderPng(Volume<byte> raw, int z, Volume<ulong>? truth = null, Volume<ulong>? predicted = null,
        SectionRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return RenderPng(raw.Shape.Y, raw.Shape.X, raw.Section(z),
            truth is null ? default : truth.Section(z), predicted is null ? default : predicted.Section(z), options);
    }

    private static void Blend(ref int r, ref int g, ref int b, SKColor c, int alpha)
    {
        r = (r * (256 - alpha) + c.Red * alpha + 128) >> 8;
        g = (g * (256 - alpha) + c.Green * alpha + 128) >> 8;
        b = (b * (256 - alpha) + c.Blue * alpha + 128) >> 8;
    }

    private static void DrawCaption(SKBitmap bitmap, SectionRenderOptions options, bool truth, bool predicted)
    {
        var typeface = SKTypeface.Default;
        if (typeface is null || typeface.GlyphCount == 0) return;
        using var font = new SKFont(typeface, Math.Clamp(bitmap.Width / 40f, 10f, 18f));
        if (font.GetGlyph('A') == 0) return;
        using var canvas = new SKCanvas(bitmap);
        var pad = font.Size * 0.4f;
        var lineHeight = font.Size * 1.25f;
        var lines = new List<(string Text, SKColor? Swatch)> { (options.Caption!, null) };
        if (truth) lines.Add(("ground truth", options.TruthColor));
        if (predicted) lines.Add(("predicted", options.PredictedColor));
        var textWidth = lines.Max(l => font.MeasureText(l.Text)) + font.Size * 1.2f;
        using var box = new SKPaint { Color = new SKColor(0, 0, 0, 150) };
        canvas.DrawRect(0, 0, textWidth + 2 * pad, lines.Count * lineHeight + pad, box);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        for (var i = 0; i < lines.Count; i++)
        {
            var baseline = pad + (i + 0.8f) * lineHeight;
            var x = pad;
            if (lines[i].Swatch is { } swatch)
            {
                using var sw = new SKPaint { Color = swatch };
                canvas.DrawRect(x, baseline - font.Size * 0.75f, font.Size * 0.8f, font.Size * 0.8f, sw);
                x += font.Size * 1.2f;
            }
            canvas.DrawText(lines[i].Text, x, baseline, SKTextAlign.Left, font, ink);
        }
    }
}
