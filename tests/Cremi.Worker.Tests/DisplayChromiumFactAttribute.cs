namespace Cremi.Worker.Tests;

/// <summary>
/// A test that needs Debian's chromium. It is skipped only where /usr/bin/chromium is absent (a developer machine
/// without `apt-get install -y chromium`); CI installs it in .ci/run, so there it always runs.
/// </summary>
public sealed class DisplayChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public DisplayChromiumFactAttribute()
    {
        if (!File.Exists(Chromium)) Skip = $"{Chromium} is not installed (apt-get install -y chromium)";
    }
}
