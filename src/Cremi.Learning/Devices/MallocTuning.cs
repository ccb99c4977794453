using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cremi.Learning.Devices;

/// <summary>
/// glibc malloc settings for libtorch's CPU tensors. Each is skipped where the user chose it (its MALLOC_* variable
/// or its glibc.malloc.* tunable), all of them with CREMI_MALLOC_TUNING=off.
/// <list type="bullet">
/// <item>One arena (as MALLOC_ARENA_MAX=1). libtorch allocates from OpenMP workers, the batch prefetcher and the .NET
/// thread pool; with an arena per contending thread, freed tensor memory stayed spread over all of them and a
/// training process's RSS crept up for hundreds of steps with a flat count of live tensors (+15 % from step 50 to
/// 150). One arena also keeps every thread's large blocks in the one heap that is never unmapped (below).</item>
/// <item>No mmap for large blocks (as MALLOC_MMAP_MAX_=0) and a 1 GiB trim threshold. By default glibc serves every
/// block above 32 MiB (a 16x128x128 feature map of 32 channels) with a fresh mmap and unmaps it on free, so each
/// forward and backward pass faulted its large tensors in again page by page, the kernel zeroing each page: 40 % of
/// inference and 45 % of a training step were kernel time (`cremi bench infer` 16x256x256: 1.3 M minor page faults,
/// 9.6 s system time). Kept in the heap, memory is reused: inference 2.5-3x and a training step 1.5-1.9x faster.
/// The heap keeps up to the trim threshold of free memory; <see cref="ReleaseFreeMemory"/> hands it back between jobs.</item>
/// </list>
/// glibc fixes the arena limit at the first thread arena it makes, and a process's runtime threads allocate before
/// any library initializer runs, so the settings only hold for every thread when they are in the environment at
/// start: `cremi` re-executes itself once with <see cref="StartupTunables"/> (Cremi.Worker's MallocRelaunch).
/// The initializer here applies them with mallopt for hosts that did not (tests, embedding applications): that
/// covers the main thread's arena.
/// </summary>
public static class MallocTuning
{
    /// <summary>CREMI_MALLOC_TUNING=off keeps glibc's defaults.</summary>
    public const string OptOutVariable = "CREMI_MALLOC_TUNING";
    public const string TunablesVariable = "GLIBC_TUNABLES";
    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>(tunable, the older environment variable for the same setting, mallopt parameter, value).</summary>
    private static readonly (string Tunable, string Variable, int Parameter, int Value)[] Settings =
    [
        ("glibc.malloc.arena_max", "MALLOC_ARENA_MAX", -8, 1),
        ("glibc.malloc.mmap_max", "MALLOC_MMAP_MAX_", -4, 0),
        ("glibc.malloc.trim_threshold", "MALLOC_TRIM_THRESHOLD_", -1, TrimThresholdBytes),
    ];

    /// <summary>The settings this process applied itself with mallopt (tunable names), for reports and tests.</summary>
    public static IReadOnlyList<string> AppliedInProcess { get; private set; } = [];

    /// <summary>True unless the user opted out with CREMI_MALLOC_TUNING=off.</summary>
    public static bool Enabled(Func<string, string?> environment) =>
        !string.Equals(environment(OptOutVariable), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The GLIBC_TUNABLES value that adds our settings to <paramref name="environment"/>'s, or null when there is
    /// nothing to add (all in force or chosen by the user, or opted out).
    /// </summary>
    public static string? StartupTunables(Func<string, string?> environment)
    {
        if (!Enabled(environment)) return null;
        var current = environment(TunablesVariable) ?? "";
        var missing = Settings.Where(s => !Chosen(s.Tunable, s.Variable, environment)).Select(s => $"{s.Tunable}={s.Value}").ToList();
        if (missing.Count == 0) return null;
        return string.Join(':', current.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(missing));
    }

    /// <summary>The malloc tunables in force from the start of this process, as the environment shows them.</summary>
    public static string InForce => string.Join(':', (Environment.GetEnvironmentVariable(TunablesVariable) ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Where(t => t.StartsWith("glibc.malloc.", StringComparison.Ordinal)));

    /// <summary>For benchmark reports and logs: which malloc settings this process runs with, and since when.</summary>
    public static string Description =>
        !Enabled(Environment.GetEnvironmentVariable) ? "glibc defaults (CREMI_MALLOC_TUNING=off)"
        : InForce is { Length: > 0 } start ? $"{start} (from the start)"
        : AppliedInProcess.Count > 0 ? $"{string.Join(':', AppliedInProcess)} (set in process: main thread's arena)"
        : "glibc defaults";

#pragma warning disable CA2255 // must run before libtorch's threads allocate, in any host that loads the learning layer
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || !Enabled(Environment.GetEnvironmentVariable)) return;
        try
        {
            AppliedInProcess = Settings.Where(s => !Chosen(s.Tunable, s.Variable, Environment.GetEnvironmentVariable))
                .Where(s => MallOpt(s.Parameter, s.Value) == 1).Select(s => s.Tunable).ToList();
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has neither arenas nor these thresholds): nothing to do.
        }
    }

    /// <summary>
    /// Returns the free memory the heap keeps for reuse to the system (malloc_trim), for a long-running host between
    /// jobs; the next job faults in what it needs once.
    /// </summary>
    public static void ReleaseFreeMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>
    /// glibc's heap now (mallinfo2, all arenas): bytes handed out to the program and bytes the heap holds from the system
    /// (handed out or free for reuse). Null where that is not glibc 2.33+. Separates a leak (in-use grows) from
    /// fragmentation (held grows, in-use flat).
    /// </summary>
    public static (long InUse, long Held)? NativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = MallInfo2();
            return ((long)(info.Uordblks + info.Hblkhd), (long)(info.Arena + info.Hblkhd));
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo2
    {
        // struct mallinfo2 of glibc 2.33: ten size_t fields in this order.
        public readonly nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    private static bool Chosen(string tunable, string variable, Func<string, string?> environment) =>
        environment(variable) is { Length: > 0 }
        || (environment(TunablesVariable) ?? "").Split(':').Any(t => t.StartsWith(tunable + "=", StringComparison.Ordinal));

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo2 MallInfo2();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
