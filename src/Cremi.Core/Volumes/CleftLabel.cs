namespace Cremi.Core.Volumes;

/// <summary>Meaning of the uint64 values in `volumes/labels/clefts`.</summary>
public static class CleftLabel
{
    /// <summary>No cleft (0xFFFFFFFFFFFFFFFF), the CREMI convention.</summary>
    public const ulong Background = ulong.MaxValue;

    /// <summary>Unknown, excluded from scoring (0xFFFFFFFFFFFFFFFE).</summary>
    public const ulong Ignore = ulong.MaxValue - 1;

    /// <summary>True for a cleft id. Some files also write 0 for background, so 0 is never a cleft.</summary>
    public static bool IsCleft(ulong value) => value != Background && value != Ignore && value != 0;
}
