using Cremi.Core.Volumes;
using Cremi.Viewer;
using SkiaSharp;

namespace Cremi.Viewer.Tests;

public sealed class SectionRendererTests
{
    private const int Height = 20, Width = 30;

    private static byte[] Gradient() => Enumerable.Range(0, Height * Width).Select(i => (byte)(i * 7 % 256)).ToArray();

    private static ulong[] Labels(Func<int, int, bool> isCleft, ulong id) =>
        Enumerable.Range(0, Height * Width).Select(i => isCleft(i / Width, i % Width) ? id : CleftLabel.Background).ToArray();

    private static bool Truth(int y, int x) => y is >= 3 and < 8 && x is >= 4 and < 15;
    private static bool Predicted(int y, int x) => y is >= 6 and < 12 && x is >= 10 and < 20;

    [Fact]
    public void The_png_decodes_to_the_section_size_with_grey_raw_and_coloured_clefts_exactly_where_labelled()
    {
        var raw = Gradient();
        var truth = Labels(Truth, 3);
        var predicted = Labels(Predicted, 1);
        var options = new SectionRenderOptions();
        var png = SectionRenderer.RenderPng(Height, Width, raw, truth, predicted, options);

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(Width, bitmap.Width);
        Assert.Equal(Height, bitmap.Height);
        for (var y = 0; y < Height; y++)
        for (var x = 0; x < Width; x++)
        {
            var grey = raw[y * Width + x];
            var expected = new SKColor(grey, grey, grey);
            if (Truth(y, x)) expected = SectionRenderer.Overlay(grey, options.TruthColor, options.Alpha);
            if (Predicted(y, x))
            {
                var under = Truth(y, x) ? expected : new SKColor(grey, grey, grey);
                // Predicted is blended on top of whatever is below it.
                expected = Truth(y, x) ? BlendOver(under, options.PredictedColor, options.Alpha) : SectionRenderer.Overlay(grey, options.PredictedColor, options.Alpha);
            }
            Assert.Equal(expected, bitmap.GetPixel(x, y));
        }
    }

    private static SKColor BlendOver(SKColor under, SKColor colour, float alpha)
    {
        var a = (int)Math.Round(alpha * 256);
        byte Mix(byte u, byte c) => (byte)((u * (256 - a) + c * a + 128) >> 8);
        return new SKColor(Mix(under.Red, colour.Red), Mix(under.Green, colour.Green), Mix(under.Blue, colour.Blue));
    }

    [Fact]
    public void Truth_is_green_and_predictions_magenta_on_a_mid_grey_section()
    {
        var raw = Enumerable.Repeat((byte)128, Height * Width).ToArray();
        using var bitmap = SKBitmap.Decode(SectionRenderer.RenderPng(Height, Width, raw, Labels(Truth, 9), Labels(Predicted, 2)));
        var green = bitmap.GetPixel(4, 3);
        Assert.True(green.Green > 180 && green.Red < 80 && green.Blue < 80, green.ToString());
        var magenta = bitmap.GetPixel(19, 11);
        Assert.True(magenta.Red > 180 && magenta.Blue > 180 && magenta.Green < 80, magenta.ToString());
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(29, 19));
    }

    [Fact]
    public void Upscaling_repeats_each_voxel_as_a_block_of_pixels()
    {
        var raw = Gradient();
        var truth = Labels(Truth, 5);
        using var stream = new MemoryStream();
        SectionRenderer.WritePng(stream, Height, Width, raw, truth, default, new SectionRenderOptions { Scale = 3 });
        using var bitmap = SKBitmap.Decode(stream.ToArray());
        Assert.Equal(Width * 3, bitmap.Width);
        Assert.Equal(Height * 3, bitmap.Height);
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            var grey = raw[y / 3 * Width + x / 3];
            var expected = Truth(y / 3, x / 3) ? SectionRenderer.Overlay(grey, SKColors.Lime, 0.5f) : new SKColor(grey, grey, grey);
            Assert.Equal(expected, bitmap.GetPixel(x, y));
        }
    }

    [Fact]
    public void Raw_alone_renders_grey_and_ignore_or_zero_labels_are_not_overlaid()
    {
        var raw = Gradient();
        var labels = Enumerable.Range(0, Height * Width).Select(i => i % 2 == 0 ? CleftLabel.Ignore : 0UL).ToArray();
        foreach (var png in new[] { SectionRenderer.RenderPng(Height, Width, raw), SectionRenderer.RenderPng(Height, Width, raw, labels, labels) })
        {
            using var bitmap = SKBitmap.Decode(png);
            for (var i = 0; i < raw.Length; i++)
                Assert.Equal(new SKColor(raw[i], raw[i], raw[i]), bitmap.GetPixel(i % Width, i / Width));
        }
    }

    [Fact]
    public void A_caption_only_touches_the_top_left_corner()
    {
        var raw = Enumerable.Repeat((byte)100, 200 * 300).ToArray();
        using var bitmap = SKBitmap.Decode(SectionRenderer.RenderPng(200, 300, raw, options: new SectionRenderOptions { Caption = "z=3" }));
        Assert.Equal(new SKColor(100, 100, 100), bitmap.GetPixel(299, 199));
        Assert.Equal(new SKColor(100, 100, 100), bitmap.GetPixel(150, 150));
    }

    [Fact]
    public void Mismatched_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SectionRenderer.RenderPng(Height, Width, new byte[10]));
        Assert.Throws<ArgumentException>(() => SectionRenderer.RenderPng(Height, Width, Gradient(), new ulong[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SectionRenderer.RenderPng(Height, Width, Gradient(), options: new SectionRenderOptions { Scale = 0 }));
    }
}
