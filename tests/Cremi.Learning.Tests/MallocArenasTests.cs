using Cremi.Learning.Devices;

namespace Cremi.Learning.Tests;

public sealed class MallocArenasTests
{
    /// <summary>The cap is in force in any process that loads the learning layer (unless the user set MALLOC_ARENA_MAX).</summary>
    [Fact]
    public void Glibc_arenas_are_capped_when_the_user_did_not_choose()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc only
        var userChose = Environment.GetEnvironmentVariable(MallocArenas.Variable) is { Length: > 0 };
        Assert.Equal(!userChose, MallocArenas.CappedByUs);
    }
}
