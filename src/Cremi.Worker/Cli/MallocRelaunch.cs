using System.Runtime.InteropServices;
using Cremi.Learning.Devices;

namespace Cremi.Worker.Cli;

/// <summary>
/// Starts `cremi` again, once, in the same process (execv of /proc/self/exe with the same arguments) with
/// <see cref="MallocTuning"/>'s settings in GLIBC_TUNABLES, so that glibc applies them to every thread from the first
/// allocation; set from inside, they miss the thread arenas that the .NET runtime's threads made before Main (and
/// worker jobs, which run on pool threads, kept unmapping and faulting in their tensors). Same PID, same arguments,
/// same standard streams. Nothing happens off Linux, when the user's own settings cover ours, with
/// CREMI_MALLOC_TUNING=off, or when the exec fails (then the in-process settings stand).
/// </summary>
internal static class MallocRelaunch
{
    /// <summary>Set in the relaunched process: never relaunch twice.</summary>
    private const string Marker = "CREMI_MALLOC_RELAUNCHED";

    public static void IfNeeded()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Marker) is not null) return;
        var tunables = MallocTuning.StartupTunables(Environment.GetEnvironmentVariable);
        if (tunables is null || Arguments() is not { } argv) return;
        try
        {
            if (!NativeEnvironment.Set(Marker, "1")) return;
            var previous = Environment.GetEnvironmentVariable(MallocTuning.TunablesVariable);
            if (!NativeEnvironment.Set(MallocTuning.TunablesVariable, tunables)) return;
            Execv("/proc/self/exe", [.. argv, null]);
            // Still here: the exec failed. Go on as we are, with the environment as it was.
            if (previous is null) NativeEnvironment.Unset(MallocTuning.TunablesVariable);
            else NativeEnvironment.Set(MallocTuning.TunablesVariable, previous);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>This process's argv exactly as started (`cremi ARGS` or `dotnet cremi.dll ARGS`), from the kernel.</summary>
    private static string[]? Arguments()
    {
        try
        {
            var raw = File.ReadAllText("/proc/self/cmdline");
            if (raw.Length == 0 || raw[^1] != '\0') return null;
            return raw[..^1].Split('\0');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project
    // LPStr is UTF-8 off Windows; the array ends with a null, as execv wants.
    [DllImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static extern int Execv([MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] argv);
#pragma warning restore SYSLIB1054
}
