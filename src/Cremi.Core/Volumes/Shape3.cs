namespace Cremi.Core.Volumes;

/// <summary>Extent of a 3D block in voxels, in the (z, y, x) order of CREMI files.</summary>
public readonly record struct Shape3(int Z, int Y, int X)
{
    /// <summary>Number of voxels; a long because real volumes pass int.MaxValue.</summary>
    public long Count => (long)Z * Y * X;

    /// <summary>Voxels in one z-section.</summary>
    public int SectionSize => Y * X;

    public bool IsEmpty => Z <= 0 || Y <= 0 || X <= 0;

    /// <summary>Flat C-order index of (z, y, x).</summary>
    public long Index(int z, int y, int x) => ((long)z * Y + y) * X + x;

    public bool Contains(int z, int y, int x) =>
        (uint)z < (uint)Z && (uint)y < (uint)Y && (uint)x < (uint)X;

    /// <summary>Parses "Z,Y,X" (as typed on the command line).</summary>
    public static Shape3 Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !int.TryParse(parts[0], out var z) || !int.TryParse(parts[1], out var y)
            || !int.TryParse(parts[2], out var x) || z <= 0 || y <= 0 || x <= 0)
            throw new FormatException($"'{text}' is not a shape: expected three positive integers Z,Y,X");
        return new Shape3(z, y, x);
    }

    /// <summary>"Z,Y,X", as typed on the command line: what <see cref="Parse"/> reads back (recipes, provenance).</summary>
    public string ToArgument() => $"{Z},{Y},{X}";

    public override string ToString() => $"{Z}x{Y}x{X}";
}
