using System.Runtime.InteropServices;

namespace Cremi.Learning.Devices;

/// <summary>
/// The process's native environment (libc's environ), which native libraries (oneDNN, glibc) and exec'd programs
/// read. .NET's Environment.SetEnvironmentVariable does not reach it on Linux: it changes a managed copy only.
/// </summary>
public static class NativeEnvironment
{
    /// <summary>setenv(3): true when it took effect.</summary>
    public static bool Set(string name, string value, bool overwrite = true) => SetEnv(name, value, overwrite ? 1 : 0) == 0;

    /// <summary>unsetenv(3): true when it took effect.</summary>
    public static bool Unset(string name) => UnsetEnv(name) == 0;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv")]
    private static extern int UnsetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
#pragma warning restore SYSLIB1054
}
