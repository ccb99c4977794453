using Cremi.Learning.Devices;

namespace Cremi.Learning.Tests;

/// <summary>
/// The glibc malloc settings (<see cref="MallocTuning"/>). Their effect (page faults, kernel time) is measured through
/// the real `cremi` in Cremi.Worker.Tests' MallocRelaunchTests, where they are in force from the start.
/// </summary>
public sealed class MallocTuningTests
{
    private const string Ours = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824";

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void In_a_plain_process_our_settings_are_applied_with_mallopt()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc only
        if (MallocTuning.StartupTunables(System.Environment.GetEnvironmentVariable) is null) return; // the user chose
        Assert.Contains("glibc.malloc.arena_max", MallocTuning.AppliedInProcess);
        Assert.Contains("glibc.malloc.mmap_max", MallocTuning.AppliedInProcess);
        Assert.Contains("set in process", MallocTuning.Description);
    }

    [Fact]
    public void Startup_tunables_are_ours_when_nothing_is_set() =>
        Assert.Equal(Ours, MallocTuning.StartupTunables(Environment()));

    [Fact]
    public void Other_tunables_of_the_user_are_kept_and_ours_added() =>
        Assert.Equal("glibc.pthread.rseq=0:" + Ours,
            MallocTuning.StartupTunables(Environment(("GLIBC_TUNABLES", "glibc.pthread.rseq=0"))));

    [Fact]
    public void A_setting_the_user_chose_is_not_overridden()
    {
        Assert.Equal("glibc.malloc.arena_max=4:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824",
            MallocTuning.StartupTunables(Environment(("GLIBC_TUNABLES", "glibc.malloc.arena_max=4"))));
        Assert.Equal("glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824",
            MallocTuning.StartupTunables(Environment(("MALLOC_ARENA_MAX", "8"))));
    }

    [Fact]
    public void Nothing_to_add_when_all_are_in_force_or_the_user_opted_out()
    {
        Assert.Null(MallocTuning.StartupTunables(Environment(("GLIBC_TUNABLES", Ours))));
        Assert.Null(MallocTuning.StartupTunables(Environment(("CREMI_MALLOC_TUNING", "off"))));
        Assert.Null(MallocTuning.StartupTunables(Environment(("CREMI_MALLOC_TUNING", "OFF"), ("GLIBC_TUNABLES", "glibc.pthread.rseq=0"))));
    }
}
