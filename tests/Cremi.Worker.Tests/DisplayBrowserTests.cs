using System.Diagnostics;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Microsoft.Playwright;
using SkiaSharp;

namespace Cremi.Worker.Tests;

/// <summary>
/// End to end: `cremi display` on a synthetic volume, opened by Debian's chromium through Playwright at the URL the
/// command printed, waited for in real time (chunks are decoded in web workers, so no virtual time budget).
/// </summary>
public sealed class DisplayBrowserTests
{
    /// <summary>Where the screenshot is kept after the run (the test output folder), for people and CI artefacts.</summary>
    public static readonly string Screenshot = Path.Combine(AppContext.BaseDirectory, "display-artifacts", "neuroglancer.png");

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    [DisplayChromiumFact]
    public async Task Neuroglancer_shows_raw_and_mask_from_cremi_display_with_every_chunk_request_answered_200()
    {
        using var folder = new TempFolder();
        var (data, mask) = (folder.File("data.hdf"), folder.File("mask.hdf"));
        // Raw in the data file and clefts only in the mask: every coloured pixel on screen is then the mask's.
        var (raw, clefts) = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(16, 256, 256), Seed: 2)).RenderAll();
        Assert.Contains(clefts.Data, CleftLabel.IsCleft);
        CremiWriter.Write(data, new CremiContent { Raw = raw });
        CremiWriter.Write(mask, new CremiContent { Clefts = clefts });

        using var display = await DisplayProcess.StartAsync(data, mask);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = DisplayChromiumFactAttribute.Chromium, Headless = true, Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 900, Height = 700 } });
        var browserErrors = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) lock (browserErrors) browserErrors.Add($"{response.Status} {response.Url}");
        };
        await page.GotoAsync(display.ViewerUrl.AbsoluteUri);

        var requests = await WaitForQuietAsync(display);
        var raws = requests.Where(r => r.Path.StartsWith("/data/raw/s0/", StringComparison.Ordinal)).ToList();
        var masks = requests.Where(r => r.Path.StartsWith("/data/mask/s0/", StringComparison.Ordinal)).ToList();
        Assert.True(raws.Count > 0 && masks.Count > 0, "no raw or mask chunk was requested:\n" + display.Output);
        Assert.All(raws.Concat(masks), r => Assert.Equal(200, r.Status));
        Assert.Contains(requests, r => r.Path == "/state.json" && r.Status == 200);
        Assert.Empty(browserErrors);

        await Task.Delay(1500); // the last chunks arrived; let the next frames draw them
        Directory.CreateDirectory(Path.GetDirectoryName(Screenshot)!);
        var panel = page.Locator(".neuroglancer-rendered-data-panel").First;
        await panel.ScreenshotAsync(new LocatorScreenshotOptions { Path = Screenshot });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.ChangeExtension(Screenshot, ".page.png") });

        using var bitmap = SKBitmap.Decode(Screenshot);
        var area = VolumeArea(bitmap);
        Assert.True(area.Width > 100 && area.Height > 100, $"no volume outline found ({Screenshot})");
        var (masked, nearCentre) = CountMaskPixels(bitmap, area);
        Assert.True(masked >= 30, $"only {masked} pixels inside the volume have the mask's colour ({Screenshot})");
        Assert.True(nearCentre > 0, $"no mask colour near the centre, where the viewer was put on a cleft ({Screenshot})");

        Assert.Equal(0, await display.StopAsync());
    }

    /// <summary>Waits until raw and mask chunks were served and no request came for two seconds (at most 90 s).</summary>
    private static async Task<IReadOnlyList<(string Path, int Status)>> WaitForQuietAsync(DisplayProcess display)
    {
        var watch = Stopwatch.StartNew();
        var (count, quietSince) = (-1, watch.Elapsed);
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
            var requests = display.Requests;
            if (requests.Count != count) (count, quietSince) = (requests.Count, watch.Elapsed);
            var chunks = requests.Count(r => r.Path.StartsWith("/data/mask/s0/", StringComparison.Ordinal));
            if (chunks > 0 && watch.Elapsed - quietSince > TimeSpan.FromSeconds(2)) break;
        }
        return display.Requests;
    }

    /// <summary>
    /// The volume's extent on screen: Neuroglancer outlines the data bounds in pure yellow, so the box spanned by
    /// yellow pixels, less the outline, is where the raw image lies.
    /// </summary>
    private static SKRectI VolumeArea(SKBitmap bitmap)
    {
        var (left, top, right, bottom) = (int.MaxValue, int.MaxValue, -1, -1);
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            if (c.Red < 200 || c.Green < 200 || c.Blue > 60) continue;
            (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
        }
        return right < 0 ? SKRectI.Empty : new SKRectI(left + 3, top + 3, right - 3, bottom - 3);
    }

    /// <summary>
    /// Pixels inside the volume tinted by a segment colour blended over grey raw (channels differ, but not as much as
    /// in the pure red, green and blue axis lines or the yellow outline), and those within 48 px of the panel centre.
    /// </summary>
    private static (int Masked, int NearCentre) CountMaskPixels(SKBitmap bitmap, SKRectI area)
    {
        var (cx, cy) = (bitmap.Width / 2, bitmap.Height / 2);
        var (masked, nearCentre) = (0, 0);
        for (var y = area.Top; y < area.Bottom; y++)
        for (var x = area.Left; x < area.Right; x++)
        {
            var c = bitmap.GetPixel(x, y);
            var spread = Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue));
            if (spread is < 40 or >= 180) continue;
            masked++;
            if (Math.Abs(x - cx) <= 48 && Math.Abs(y - cy) <= 48) nearCentre++;
        }
        return (masked, nearCentre);
    }
}
