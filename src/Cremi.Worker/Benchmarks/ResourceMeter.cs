using System.Diagnostics;

namespace Cremi.Worker.Benchmarks;

/// <summary>
/// Wall time, process CPU time and peak resident memory of a measured run. Peak RSS comes from the kernel's
/// high-water mark (VmHWM in /proc/self/status), which covers native memory (libtorch, deflate) that the GC
/// does not see; it is a process-wide maximum, so each benchmark runs in its own `cremi bench` process.
/// </summary>
public sealed class ResourceMeter
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;

    public double WallSeconds => _wall.Elapsed.TotalSeconds;

    public double CpuSeconds => (Process.GetCurrentProcess().TotalProcessorTime - _cpuStart).TotalSeconds;

    /// <summary>Peak resident set size of this process so far, in bytes (0 where /proc is unavailable).</summary>
    public static long PeakRssBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>Resident set size now, in bytes (0 where /proc is unavailable): for growth over a long run.</summary>
    public static long CurrentRssBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>
    /// Minor page faults of this process so far (0 where /proc is unavailable): pages the kernel had to map (and zero)
    /// on first touch. Memory the allocator reuses faults once; memory it unmaps and maps again faults every time.
    /// </summary>
    public static long MinorPageFaults()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat)) return 0;
        var text = File.ReadAllText(stat);
        // Fields after the parenthesised command name (which may hold spaces): state is field 3, minflt field 10.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[10 - 3]);
    }

    private static long StatusKilobytes(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        foreach (var line in File.ReadLines(status))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        }
        return 0;
    }
}
